namespace AppHost.Hosting;

/// <summary>
/// Renders references between resources for one <see cref="ExecutionTarget"/>: real loopback URLs and values
/// when running, <c>{resource.bindings.http.url}</c>-style expressions in the manifest, service names and
/// <c>${VARIABLE}</c>s in the compose file.
/// </summary>
public interface IValueResolver
{
    ExecutionTarget Target { get; }

    /// <summary>The addresses of <paramref name="endpoint"/> other resources get: one per replica when running,
    /// one load-balanced service address when published.</summary>
    IReadOnlyList<string> Urls(EndpointAnnotation endpoint);

    /// <summary>"host:port" of a resource reached through a connection string.</summary>
    string ConnectionString(IResourceWithConnectionString resource);

    string Parameter(ParameterResource parameter);

    /// <summary>Where replica <paramref name="replica"/> of the endpoint's own resource listens (for ASPNETCORE_URLS).</summary>
    string ListenUrl(EndpointAnnotation endpoint, int replica);

    /// <summary>A literal, escaped as the target needs (braces in the manifest, dollars in compose).</summary>
    string Literal(string value);

    /// <summary>The OpenTelemetry variables of a project replica for this target.</summary>
    IEnumerable<KeyValuePair<string, string>> Telemetry(Resource resource, int replica);
}
