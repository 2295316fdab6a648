using StackExchange.Redis;

namespace Gateway.Redis;

/// <summary>
/// The gateway's one Redis connection (<c>ConnectionStrings__redis</c>, "host:port"). It is opened even when
/// Redis is down and reconnects by itself; commands fail at once while it is disconnected (no queueing),
/// so callers fall back to their local behaviour without waiting.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;

    private RedisConnection(ConnectionMultiplexer multiplexer) => _multiplexer = multiplexer;

    public IDatabase Database => _multiplexer.GetDatabase();

    public bool IsConnected => _multiplexer.IsConnected;

    public static async Task<RedisConnection> ConnectAsync(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 1000;
        options.AsyncTimeout = 1000;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.ClientName = "gateway";
        return new RedisConnection(await ConnectionMultiplexer.ConnectAsync(options));
    }

    /// <summary>
    /// True for the exceptions that mean "Redis is unreachable, too slow or not serving yet", as opposed to a bug
    /// (a script error must not pass silently as an outage).
    /// </summary>
    public static bool IsOutage(Exception error) => error switch
    {
        RedisConnectionException or TimeoutException or ObjectDisposedException => true,
        RedisServerException server => TransientServerErrors.Any(prefix => server.Message.StartsWith(prefix, StringComparison.Ordinal)),
        _ => false,
    };

    private static readonly string[] TransientServerErrors = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN"];

    public async ValueTask DisposeAsync() => await _multiplexer.DisposeAsync();
}
