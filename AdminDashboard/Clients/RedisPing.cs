using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace AdminDashboard.Clients;

/// <summary>PING to the Redis of ConnectionStrings__redis ("host:port[,options]"), as a health report for the overview.</summary>
public static class RedisPing
{
    public static async Task<(HealthReport Report, TimeSpan Latency)> CheckAsync(string connectionString, TimeSpan timeout, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var (host, port) = Endpoint(connectionString);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cts.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cts.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cts.Token);
            var answer = Encoding.ASCII.GetString(buffer, 0, read).Trim();
            var latency = Stopwatch.GetElapsedTime(started);
            // "-NOAUTH ..." still proves the server is up; the dashboard has no business with its data.
            var healthy = answer.StartsWith("+PONG", StringComparison.Ordinal) || answer.StartsWith("-NOAUTH", StringComparison.Ordinal);
            var entry = new HealthEntry("ping", healthy ? HealthReport.Healthy : HealthReport.Unhealthy, answer, latency.ToString(), [], []);
            return (new HealthReport(entry.Status, latency.ToString(), [entry], null, null), latency);
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return (HealthReport.Failed(e is OperationCanceledException ? "no answer in time" : e.Message), Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The first endpoint of a StackExchange.Redis configuration string; port 6379 when none is given.</summary>
    public static (string Host, int Port) Endpoint(string connectionString)
    {
        var first = connectionString.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(part => !part.Contains('=')) ?? "127.0.0.1:6379";
        var colon = first.LastIndexOf(':');
        return colon > 0 && int.TryParse(first[(colon + 1)..], out var port) ? (first[..colon].Trim('[', ']'), port) : (first, 6379);
    }

    public static string Display(string connectionString)
    {
        var (host, port) = Endpoint(connectionString);
        return $"redis://{host}:{port}";
    }
}
