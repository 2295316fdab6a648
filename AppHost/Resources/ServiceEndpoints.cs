namespace AppHost.Resources;

/// <summary>
/// The HTTP endpoint of a service. Run locally, each process listens on its own port (not proxied, so a restarted
/// replica comes back on the same port): the declared one (gateway 8000, replicas 8001.., dashboard 8080, model cache
/// 8090), or a free one when ports are randomized (<c>--random-ports</c>; always under Aspire.Hosting.Testing).
/// Published, containers listen on 8080 (ASP.NET's images) and only the external ones keep the declared port (compose's
/// host port, the Kubernetes Service's port). Deployments probe /health (ready: every check) and /alive (the process).
/// </summary>
public static class ServiceEndpoints
{
    public static IResourceBuilder<ProjectResource> WithServiceEndpoint(this IResourceBuilder<ProjectResource> project, int port, bool external = false)
    {
        var builder = project.ApplicationBuilder;
        if (builder.ExecutionContext.IsPublishMode)
            project.WithHttpEndpoint(port: external ? port : null);
        else
            project.WithHttpEndpoint(port: builder.Configuration.GetValue("DcpPublisher:RandomizePorts", false) ? null : port, isProxied: false);
        return (external ? project.WithExternalHttpEndpoints() : project)
            .WithHttpHealthCheck("/health")
            .WithAnnotation(new HttpHealthProbeAnnotation(ReadinessPath: "/health", LivenessPath: "/alive"));
    }
}
