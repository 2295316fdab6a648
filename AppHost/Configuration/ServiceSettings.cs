namespace AppHost.Configuration;

/// <summary>
/// The settings of the services that the AppHost passes on (<c>--Gateway:RequestsPerMinute 60</c> reaches the gateway as
/// <c>Gateway__RequestsPerMinute</c>): their options classes' keys, except those the AppHost sets itself (the admin key
/// the replicas' and the model cache's API keys from its parameters, the Aspire dashboard's address) and the gateway's
/// AdminUrls (here the dashboard and the dev key reach the admin API on the gateway's one endpoint) and its TLS settings. AppHost.Tests checks
/// these lists against the options classes.
/// </summary>
public static class ServiceSettings
{
    public static readonly string[] Gateway =
    [
        "MaxRequestBodyBytes", "DefaultRequestsPerMinute", "DefaultTokensPerMinute", "AnonymousRequestsPerMinute",
        "KeyRevalidateAfter", "KeyOfflineGrace", "HealthCheckInterval", "ModelRefreshInterval", "PassiveReactivationPeriod",
        "UpstreamActivityTimeout", "AccessLog", "AdminFailuresPerMinute", "Routing", "PrefixAffinityChars", "PrefixAffinityLoadFactor",
        "PrefixAffinityTtl", "PrefixAffinityMaxPrefixes",
    ];

    /// <summary>Gateway settings that are lists or sections (<c>--Gateway:CorsOrigins:0 https://app.example</c>,
    /// <c>--Gateway:Deployments:tiny:model /models/tiny</c>).</summary>
    public static readonly string[] GatewayLists = ["CorsOrigins", "Deployments"];

    /// <summary>The gateway's TLS settings, not passed on: the AppHost's gateway endpoint is plain HTTP; a deployment mounts the
    /// certificate and sets them in the gateway's environment (<c>Gateway__Tls__CertificatePath</c>, ...).</summary>
    public static readonly string[] GatewayTls =
        ["Tls:CertificatePath", "Tls:KeyPath", "Tls:PfxPath", "Tls:PfxPassword", "Tls:ReloadInterval", "Tls:HttpsRedirect", "Tls:Hsts"];

    public static readonly string[] ModelCache =
    [
        "MaxParallelDownloads", "MaxRetries", "RetryBaseDelay", "AttemptTimeout", "StallTimeout", "ProgressInterval", "MaxModelBytes",
        "MinFreeDiskBytes", "MaxConcurrentPulls",
    ];

    public static readonly string[] Dashboard =
        ["RefreshInterval", "MetricsInterval", "MetricsHistory", "MetricsWindow", "SessionLifetime", "RequestTimeout", "LoginFailuresPerMinute"];
}
