namespace AppHost.Resources;

/// <summary>
/// Tells a service where every inference replica is, in service discovery's configuration shape:
/// <c>services__inference__http__0</c>, <c>..._1</c>, one entry per replica (the gateway routes to each by name).
/// </summary>
public static class InferenceReplicas
{
    public const string ServiceName = "inference";

    public static IResourceBuilder<ProjectResource> WithInferenceReplicas(this IResourceBuilder<ProjectResource> service,
        IReadOnlyList<IResourceBuilder<ProjectResource>> replicas, bool waitFor = true)
    {
        for (var i = 0; i < replicas.Count; i++)
        {
            service.WithEnvironment($"services__{ServiceName}__http__{i}", replicas[i].GetEndpoint("http"));
            if (waitFor) service.WaitFor(replicas[i]);
        }
        return service;
    }
}
