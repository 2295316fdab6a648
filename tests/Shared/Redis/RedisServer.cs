using System.Net.Sockets;
using System.Text;

namespace Tests.Shared;

/// <summary>
/// A real redis-server (Debian's) on a free port of 127.0.0.1, without persistence, as the AppHost runs it.
/// It can be stopped (killed) and started again on the same port, for outage tests; disposing kills it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/redis-server";

    private TestProcess? _process;

    public int Port { get; } = FreePort.Next();

    /// <summary>"127.0.0.1:PORT", the form of ConnectionStrings__redis.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer();
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: install the Debian package redis-server (test.sh does).");
        _process = TestProcess.Start("redis", Executable,
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited.\n{_process.Describe()}");
            if (await PingsAsync()) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"redis-server did not answer PING.\n{_process.Describe()}");
    }

    /// <summary>Kills the server (an outage, not a clean shutdown) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        await _process.DisposeAsync();
        _process = null;
    }

    private async Task<bool> PingsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
