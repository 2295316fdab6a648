namespace Gateway.Observability;

/// <summary>Low-cardinality route labels for metrics (a raw path would explode the series).</summary>
public static class RouteNames
{
    private static readonly string[] Known =
    [
        "/v1/chat/completions", "/v1/completions", "/v1/models", "/v1/embeddings", "/v1/responses", "/tokenize", "/detokenize",
        "/admin/keys", "/health", "/alive", "/metrics",
    ];

    public static string Of(PathString path)
    {
        foreach (var known in Known)
            if (path.StartsWithSegments(known, StringComparison.OrdinalIgnoreCase)) return known;
        return path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase) ? "/v1/*" : "other";
    }

    /// <summary>Orchestrator probes and scrapes: not logged, not limited.</summary>
    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive") || path.StartsWithSegments("/metrics");
}
