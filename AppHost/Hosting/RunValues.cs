namespace AppHost.Hosting;

/// <summary>
/// Values when running locally: loopback URLs of every replica, parameter values, and the OTLP settings the
/// AppHost was given (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or Aspire's <c>DOTNET_DASHBOARD_OTLP_ENDPOINT_URL</c>).
/// </summary>
public sealed class RunValues(OtlpSettings? otlp) : IValueResolver
{
    public ExecutionTarget Target => ExecutionTarget.Run;

    public OtlpSettings? Otlp { get; } = otlp;

    public IReadOnlyList<string> Urls(EndpointAnnotation endpoint) =>
        Enumerable.Range(0, endpoint.Resource.Replicas).Select(endpoint.Url).ToList();

    public string ConnectionString(IResourceWithConnectionString resource) => $"127.0.0.1:{resource.PrimaryEndpoint.Port()}";

    public string Parameter(ParameterResource parameter) => parameter.Value;

    public string ListenUrl(EndpointAnnotation endpoint, int replica) => endpoint.Url(replica);

    public string Literal(string value) => value;

    public IEnumerable<KeyValuePair<string, string>> Telemetry(Resource resource, int replica)
    {
        yield return new("OTEL_SERVICE_NAME", resource.Name);
        yield return new("OTEL_RESOURCE_ATTRIBUTES", $"service.instance.id={resource.InstanceName(replica)}");
        if (Otlp is null) yield break;
        yield return new("OTEL_EXPORTER_OTLP_ENDPOINT", Otlp.Endpoint);
        if (Otlp.Protocol is { Length: > 0 } protocol) yield return new("OTEL_EXPORTER_OTLP_PROTOCOL", protocol);
        if (Otlp.Headers is { Length: > 0 } headers) yield return new("OTEL_EXPORTER_OTLP_HEADERS", headers);
        // What Aspire sets for local development: export soon, sample everything.
        yield return new("OTEL_BSP_SCHEDULE_DELAY", "1000");
        yield return new("OTEL_BLRP_SCHEDULE_DELAY", "1000");
        yield return new("OTEL_METRIC_EXPORT_INTERVAL", "1000");
        yield return new("OTEL_TRACES_SAMPLER", "always_on");
        yield return new("OTEL_METRICS_EXEMPLAR_FILTER", "trace_based");
    }
}
