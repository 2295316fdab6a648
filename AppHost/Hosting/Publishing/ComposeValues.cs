namespace AppHost.Hosting.Publishing;

/// <summary>Compose values: services reach each other by service name on the container port; parameters are .env variables.</summary>
public sealed class ComposeValues : IValueResolver
{
    public ExecutionTarget Target => ExecutionTarget.Compose;

    /// <summary>Parameters referenced so far (they go to the .env file).</summary>
    public HashSet<ParameterResource> UsedParameters { get; } = [];

    public IReadOnlyList<string> Urls(EndpointAnnotation endpoint) => [$"{endpoint.Scheme}://{endpoint.Resource.Name}:{endpoint.TargetPort}"];

    public string ConnectionString(IResourceWithConnectionString resource) => $"{resource.Name}:{resource.PrimaryEndpoint.TargetPort}";

    public string Parameter(ParameterResource parameter)
    {
        UsedParameters.Add(parameter);
        return $"${{{parameter.EnvironmentVariableName}}}";
    }

    public string ListenUrl(EndpointAnnotation endpoint, int replica) => $"{endpoint.Scheme}://+:{endpoint.TargetPort}";

    /// <summary>Compose interpolates <c>$</c>; a literal one is written <c>$$</c>.</summary>
    public string Literal(string value) => value.Replace("$", "$$");

    public IEnumerable<KeyValuePair<string, string>> Telemetry(Resource resource, int replica)
    {
        yield return new("OTEL_SERVICE_NAME", resource.Name);
        yield return new("OTEL_EXPORTER_OTLP_ENDPOINT", "${OTEL_EXPORTER_OTLP_ENDPOINT:-}");
        yield return new("OTEL_EXPORTER_OTLP_PROTOCOL", "${OTEL_EXPORTER_OTLP_PROTOCOL:-grpc}");
    }
}
