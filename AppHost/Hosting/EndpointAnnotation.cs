namespace AppHost.Hosting;

/// <summary>A network endpoint of a resource: declared port (if any) and the port it got at start.</summary>
public sealed class EndpointAnnotation(string name, string scheme, int? requestedPort)
{
    private int? _port;

    public string Name { get; } = name;
    public string Scheme { get; } = scheme;
    public int? RequestedPort { get; } = requestedPort;

    /// <summary>The allocated port; known once the application starts.</summary>
    public int Port
    {
        get => _port ?? throw new InvalidOperationException($"Endpoint '{Name}' has no port yet; it is allocated at start.");
        set => _port = value;
    }

    public Uri Url => new($"{Scheme}://127.0.0.1:{Port}");
}
