namespace AppHost.Hosting;

/// <summary>
/// Something the application model declares: a name, endpoints, environment, the resources it waits for,
/// how its health is checked and how many replicas run. Runners and publishers read the same model.
/// </summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;

    public List<EndpointAnnotation> Endpoints { get; } = [];

    /// <summary>Environment callbacks, evaluated per target (run, manifest, compose) and replica.</summary>
    public List<Action<EnvironmentContext>> Environment { get; } = [];

    /// <summary>Resources that must report healthy before this one starts (WaitFor).</summary>
    public List<Resource> WaitsFor { get; } = [];

    /// <summary>Resources this one references (WithReference); publishers turn them into dependencies.</summary>
    public List<Resource> References { get; } = [];

    public List<VolumeAnnotation> Volumes { get; } = [];

    /// <summary>How health is checked; null means "running is healthy".</summary>
    public IResourceHealthCheck? HealthCheck { get; set; }

    /// <summary>Callbacks run once every replica is healthy for the first time (after the first resource table).</summary>
    public List<Func<ResourceReadyContext, CancellationToken, Task>> OnReady { get; } = [];

    public int Replicas { get; set; } = 1;

    /// <summary>Can use a GPU: the compose file carries a (commented) GPU reservation for it.</summary>
    public bool SupportsGpu { get; set; }

    /// <summary>Left out of the manifest and compose file (local development helpers).</summary>
    public bool ExcludeFromPublish { get; set; }

    /// <summary>False for resources that are only values (parameters).</summary>
    public virtual bool IsRunnable => true;

    /// <summary>The name of one running replica: the resource name, or "name-i" when it has several.</summary>
    public string InstanceName(int replica) => Replicas > 1 ? $"{Name}-{replica}" : Name;

    public EndpointAnnotation GetEndpoint(string name) =>
        Endpoints.FirstOrDefault(e => e.Name == name)
        ?? throw new InvalidOperationException($"Resource '{Name}' has no endpoint named '{name}'.");
}
