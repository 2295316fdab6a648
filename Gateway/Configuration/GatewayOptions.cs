using Gateway.Routing;
using Gateway.Tls;

namespace Gateway.Configuration;

/// <summary>
/// Settings under "Gateway" (environment variables <c>Gateway__AdminKey</c>, <c>Gateway__MaxRequestBodyBytes</c>, ...).
/// Limits of 0 mean "unlimited".
/// </summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Bearer token of the admin API (/admin/keys), /metrics and /health's details; the admin API is disabled while it is empty.</summary>
    public string? AdminKey { get; set; }

    /// <summary>A separate listener for the admin API, /metrics and /health's details ("http://127.0.0.1:8001", several
    /// separated by ';'); the public listener then answers 404 there. Empty: one listener for everything.</summary>
    public string? AdminUrls { get; set; }

    /// <summary>Wrong admin keys per minute from one client address before it is refused (429) until its budget refills; 0: no limit.</summary>
    public int AdminFailuresPerMinute { get; set; } = 10;

    /// <summary>Sent to the replicas as <c>Authorization: Bearer ...</c> (their --api-key); the client's key never is.</summary>
    public string? UpstreamApiKey { get; set; }

    /// <summary>The replicas' --admin-key: with it the gateway reads every model's state (GET /admin/models) and deploys
    /// models (/admin/deployments); without it both are off.</summary>
    public string? UpstreamAdminKey { get; set; }

    /// <summary>Deployments created at startup unless one of the name exists (<c>Gateway__Deployments__tiny__model=/models/tiny</c>,
    /// <c>Gateway__Deployments__tiny__replicas=2</c>): each a POST /admin/deployments body (fields as text, replica_ids separated
    /// by commas) under its served name; placed once enough replicas are reachable.</summary>
    public Dictionary<string, Dictionary<string, string>> Deployments { get; set; } = new(StringComparer.Ordinal);

    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Origins allowed by CORS ("*" for any); CORS stays off while empty.</summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>Limits of keys created without their own.</summary>
    public int DefaultRequestsPerMinute { get; set; }

    public int DefaultTokensPerMinute { get; set; }

    /// <summary>Per client IP, for requests without a valid key (anonymous paths and failed authentication).</summary>
    public int AnonymousRequestsPerMinute { get; set; } = 600;

    /// <summary>A cached key record older than this is read again from the store (bounds how late a revocation is seen).</summary>
    public TimeSpan KeyRevalidateAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>While the store is unreachable, keys validated within this period keep working from the cache.</summary>
    public TimeSpan KeyOfflineGrace { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each replica's models (and their states) are read, and desired deployments reconciled.</summary>
    public TimeSpan ModelRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a replica that refused a connection stays out of rotation before it is tried again.</summary>
    public TimeSpan PassiveReactivationPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest silence on an upstream response (a long prefill streams nothing for a while).</summary>
    public TimeSpan UpstreamActivityTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public bool AccessLog { get; set; } = true;

    /// <summary>How a replica is picked among those serving the model: LeastRequests, or PrefixAffinity (requests whose
    /// prompts share a prefix go to the replica that has it cached; each new prefix to the replica with the fewest).</summary>
    public RoutingPolicy Routing { get; set; } = RoutingPolicy.LeastRequests;

    /// <summary>With PrefixAffinity: how many characters of the messages (or prompt) make the prefix that picks the replica.</summary>
    public int PrefixAffinityChars { get; set; } = 2048;

    /// <summary>With PrefixAffinity: a replica with more than this many times the average of the requests in flight is passed
    /// over for the prefix's next replica (at least 1).</summary>
    public double PrefixAffinityLoadFactor { get; set; } = 1.25;

    /// <summary>With PrefixAffinity: how long a prefix stays placed on its replica after its last request (each use refreshes it).</summary>
    public TimeSpan PrefixAffinityTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>With PrefixAffinity and no Redis: how many prefixes this gateway remembers, least recently used first out.</summary>
    public int PrefixAffinityMaxPrefixes { get; set; } = 10_000;

    /// <summary>The certificate of the https:// listeners, HTTP→HTTPS redirect and HSTS.</summary>
    public TlsOptions Tls { get; set; } = new();
}
