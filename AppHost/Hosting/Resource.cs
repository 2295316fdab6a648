namespace AppHost.Hosting;

/// <summary>Something the AppHost runs: a name, endpoints, environment variables and arguments.</summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;

    public List<EndpointAnnotation> Endpoints { get; } = [];

    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>Argument callbacks, evaluated at start, after ports are allocated.</summary>
    public List<Func<IEnumerable<string>>> Args { get; } = [];

    public EndpointAnnotation GetEndpoint(string name) =>
        Endpoints.FirstOrDefault(e => e.Name == name)
        ?? throw new InvalidOperationException($"Resource '{Name}' has no endpoint named '{name}'.");
}
