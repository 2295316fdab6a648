namespace AppHost.Hosting;

/// <summary>AddPrometheus: local metrics for development when the OS has <c>prometheus</c> installed.</summary>
public static class PrometheusBuilderExtensions
{
    public static bool IsPrometheusInstalled(this DistributedApplicationBuilder builder) =>
        ExecutableResource.IsInstalled(PrometheusResource.Executable);

    /// <summary>Prometheus on <paramref name="port"/> with its data and generated configuration in a temporary folder.</summary>
    public static IResourceBuilder<PrometheusResource> AddPrometheus(this DistributedApplicationBuilder builder, string name, int? port = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"apphost-{name}-{Environment.ProcessId}");
        var prometheus = new PrometheusResource(name) { WorkingDirectory = Path.GetTempPath(), HealthCheck = new HttpHealthCheck("/-/ready") };
        var resource = builder.AddResource(prometheus).WithHttpEndpoint(port: port, targetPort: 9090).ExcludeFromManifest();
        return resource.WithArgs(p =>
        {
            Directory.CreateDirectory(folder);
            var configuration = Path.Combine(folder, "prometheus.yml");
            File.WriteAllText(configuration, p.ScrapeConfiguration());
            return
            [
                $"--config.file={configuration}",
                $"--storage.tsdb.path={Path.Combine(folder, "data")}",
                $"--web.listen-address=127.0.0.1:{p.GetEndpoint("http").Port()}",
            ];
        });
    }

    public static IResourceBuilder<PrometheusResource> WithScrapeTargets(this IResourceBuilder<PrometheusResource> builder,
        params IResourceBuilder<Resource>[] targets)
    {
        builder.Resource.ScrapeTargets.AddRange(targets.Select(t => t.Resource));
        return builder;
    }
}
