namespace AppHost.Hosting.Publishing;

/// <summary>Manifest expressions: <c>{name.bindings.http.url}</c>, <c>{redis.connectionString}</c>, <c>{param.value}</c>.</summary>
public sealed class ManifestValues : IValueResolver
{
    public ExecutionTarget Target => ExecutionTarget.Manifest;

    public IReadOnlyList<string> Urls(EndpointAnnotation endpoint) => [$"{{{endpoint.Resource.Name}.bindings.{endpoint.Name}.url}}"];

    public string ConnectionString(IResourceWithConnectionString resource) => $"{{{resource.Name}.connectionString}}";

    public string Parameter(ParameterResource parameter) => $"{{{parameter.Name}.value}}";

    public string ListenUrl(EndpointAnnotation endpoint, int replica) =>
        $"{endpoint.Scheme}://+:{{{endpoint.Resource.Name}.bindings.{endpoint.Name}.targetPort}}";

    /// <summary>As Aspire writes them: unchanged. (Braces delimit expressions in the manifest, so a literal with
    /// braces cannot be published; the manifest tests reject any that does not resolve.)</summary>
    public string Literal(string value) => value;

    public IEnumerable<KeyValuePair<string, string>> Telemetry(Resource resource, int replica)
    {
        // As Aspire's manifest: the deployment tool supplies the OTLP endpoint.
        yield return new("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES", "true");
        yield return new("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES", "true");
        yield return new("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory");
        yield return new("OTEL_SERVICE_NAME", resource.Name);
    }
}
