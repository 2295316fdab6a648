using System.Net;
using System.Net.Sockets;

namespace AppHost.Hosting;

/// <summary>Gives each endpoint its declared port, or a free one from the OS when none is declared or ports are random.</summary>
public sealed class PortAllocator(bool randomPorts)
{
    private readonly HashSet<int> _given = [];

    public int Allocate(int? requested)
    {
        if (requested is { } port && !randomPorts)
        {
            if (!_given.Add(port)) throw new InvalidOperationException($"Port {port} is declared by two endpoints.");
            return port;
        }
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var free = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (_given.Add(free)) return free;
        }
    }
}
