using System.Net.Sockets;
using System.Text;

namespace AppHost.Hosting;

/// <summary>Healthy when Redis answers PING with +PONG on its tcp endpoint.</summary>
public sealed class RedisPingHealthCheck : IResourceHealthCheck
{
    public async Task<bool> IsHealthyAsync(Resource resource, int replica, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", resource.GetEndpoint("tcp").Port(replica), timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !cancel.IsCancellationRequested))
        {
            return false;
        }
    }
}
