namespace AdminDashboard.Configuration;

/// <summary>Settings under "Dashboard" (environment variables <c>Dashboard__AdminKey</c>, <c>Dashboard__RefreshInterval</c>, ...).</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>The key operators sign in with; also the gateway's admin key (Bearer of /admin/keys). Sign-in is disabled while empty.</summary>
    public string? AdminKey { get; set; }

    /// <summary>How often every service's /health (and the replicas' /v1/models) is read.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the inference replicas' /metrics are scraped for the charts.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How much metric history the charts keep and show.</summary>
    public TimeSpan MetricsHistory { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Window of the rates and latency quantiles (TTFT/ITL p50/p95, prefix cache hit rate).</summary>
    public TimeSpan MetricsWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Wrong admin keys per minute from one client address before its sign-ins are refused (429) until the budget
    /// refills; 0: no limit.</summary>
    public int LoginFailuresPerMinute { get; set; } = 10;

    /// <summary>How long a signed-in session lasts without activity.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The inference replicas' API key (their <c>--api-key</c>), sent as the Bearer token of the calls the dashboard
    /// makes to them directly (their served models). Empty: none is sent.</summary>
    public string? InferenceApiKey { get; set; }

    /// <summary>The Aspire dashboard (traces, logs and metrics of every service) when the AppHost runs one: linked from the
    /// top bar. Set by the AppHost; empty hides the link.</summary>
    public string? AspireDashboardUrl { get; set; }

    /// <summary>Timeout of one request to a service (health, lists, admin calls; not streams).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
