namespace AppHost.Resources;

/// <summary>
/// Tells a service where every inference replica is, in service discovery's configuration shape:
/// <c>services__inference__http__0</c>, <c>..._1</c>, one entry per replica (the gateway routes to each by name).
/// </summary>
public static class InferenceReplicas
{
    public const string ServiceName = "inference";

    /// <summary>The replicas' gauge of requests waiting for a batch slot (vLLM's name, at /metrics): what autoscaling
    /// scales on.</summary>
    public const string QueueDepthMetric = "vllm:num_requests_waiting";

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
