using System.Net;
using System.Net.Sockets;

namespace AppHost.Hosting;

/// <summary>
/// Gives each endpoint replica its declared port (replica i: port + i), or a free one from the OS when none
/// is declared, ports are random, or the declared port is taken by another program (with a warning).
/// </summary>
public sealed class PortAllocator(bool randomPorts, Action<string> warn)
{
    private readonly HashSet<int> _given = [];

    public void AllocateAll(IEnumerable<Resource> resources)
    {
        foreach (var resource in resources.Where(r => r.IsRunnable))
            foreach (var endpoint in resource.Endpoints)
                endpoint.Ports = Enumerable.Range(0, resource.Replicas)
                    .Select(i => Allocate(endpoint.RequestedPort + i, resource.InstanceName(i)))
                    .ToList();
    }

    public int Allocate(int? requested, string owner)
    {
        if (requested is { } port && !randomPorts)
        {
            if (!_given.Add(port)) throw new InvalidOperationException($"Port {port} is declared by two endpoints.");
            if (IsFree(port)) return port;
            _given.Remove(port);
            var other = Free();
            warn($"port {port} of {owner} is in use by another program; {owner} gets port {other} instead.");
            return other;
        }
        return Free();
    }

    private int Free()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var free = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (_given.Add(free)) return free;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
