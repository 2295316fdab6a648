namespace AppHost.Hosting;

/// <summary>
/// The OS <c>prometheus</c>, run locally with a generated scrape configuration of every replica's /metrics
/// (local development only: never published).
/// </summary>
public sealed class PrometheusResource(string name) : ExecutableResource(name, Executable)
{
    public const string Executable = "prometheus";

    public List<Resource> ScrapeTargets { get; } = [];

    /// <summary>prometheus.yml: one job per resource, one target per replica, scraped every 5 s.</summary>
    public string ScrapeConfiguration()
    {
        var lines = new List<string> { "global:", "  scrape_interval: 5s", "scrape_configs:" };
        foreach (var target in ScrapeTargets)
        {
            var http = target.Endpoints.FirstOrDefault(e => e.Scheme == "http");
            if (http is null) continue;
            lines.Add($"  - job_name: \"{target.Name}\"");
            lines.Add("    metrics_path: /metrics");
            lines.Add("    static_configs:");
            lines.Add("      - targets: [" + string.Join(", ", Enumerable.Range(0, target.Replicas).Select(i => $"\"127.0.0.1:{http.Port(i)}\"")) + "]");
        }
        return string.Join('\n', lines) + "\n";
    }
}
