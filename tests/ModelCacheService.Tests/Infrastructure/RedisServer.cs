using System.Text.RegularExpressions;

namespace ModelCacheService.Tests.Infrastructure;

/// <summary>A real redis-server on a free port of 127.0.0.1, without persistence, killed on dispose.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string Executable = "/usr/bin/redis-server";
    private readonly TestProcess _process;

    private RedisServer(TestProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string services receive as ConnectionStrings__redis.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: install the redis-server package (test.sh does, through .ci/packages.sh).");
        var port = FreePort.Next();
        var process = TestProcess.Start("redis-server", Executable,
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        var server = new RedisServer(process, port);
        try
        {
            await process.WaitForOutputAsync(new Regex("Ready to accept connections"), TimeSpan.FromSeconds(20));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
