namespace AppHost.Hosting;

/// <summary>
/// A network endpoint of a resource: the port declared for local runs (if any), the port it listens on in a
/// container (<see cref="TargetPort"/>), whether it is reachable from outside when deployed, and the ports
/// it got at start (one per replica).
/// </summary>
public sealed class EndpointAnnotation(Resource resource, string name, string scheme, int? requestedPort, int targetPort)
{
    private int[]? _ports;

    public Resource Resource { get; } = resource;
    public string Name { get; } = name;
    public string Scheme { get; } = scheme;
    public int? RequestedPort { get; } = requestedPort;
    public int TargetPort { get; } = targetPort;
    public bool External { get; set; }

    /// <summary>Ports allocated at start, one per replica.</summary>
    public IReadOnlyList<int> Ports
    {
        get => _ports ?? throw new InvalidOperationException($"Endpoint '{Resource.Name}.{Name}' has no port yet; ports are allocated at start.");
        set => _ports = [.. value];
    }

    public bool IsAllocated => _ports is not null;

    public int Port(int replica = 0) => Ports[replica];

    /// <summary>The local URL of one replica, e.g. http://127.0.0.1:8001 (host:port for tcp endpoints).</summary>
    public string Url(int replica = 0) => Scheme is "tcp" ? $"127.0.0.1:{Port(replica)}" : $"{Scheme}://127.0.0.1:{Port(replica)}";
}
