namespace AppHost.Configuration;

/// <summary>
/// The settings of the services that the AppHost passes on (<c>--Gateway:RequestsPerMinute 60</c> reaches the gateway as
/// <c>Gateway__RequestsPerMinute</c>): their options classes' keys, except those the AppHost sets itself (the admin key
/// the replicas' and the model cache's API keys from its parameters, the Aspire dashboard's address) and the gateway's
/// AdminUrls (here the dashboard and the dev key reach the admin API on the gateway's one endpoint). AppHost.Tests checks
/// these lists against the options classes.
/// </summary>
public static class ServiceSettings
{
    public static readonly string[] Gateway =
    [
        "MaxRequestBodyBytes", "DefaultRequestsPerMinute", "DefaultTokensPerMinute", "AnonymousRequestsPerMinute",
        "KeyRevalidateAfter", "KeyOfflineGrace", "HealthCheckInterval", "ModelRefreshInterval", "PassiveReactivationPeriod",
        "UpstreamActivityTimeout", "AccessLog", "AdminFailuresPerMinute",
    ];

    /// <summary>Gateway settings that are lists (<c>--Gateway:CorsOrigins:0 https://app.example</c>).</summary>
    public static readonly string[] GatewayLists = ["CorsOrigins"];

    public static readonly string[] ModelCache =
    [
        "MaxParallelDownloads", "MaxRetries", "RetryBaseDelay", "AttemptTimeout", "StallTimeout", "ProgressInterval", "MaxModelBytes",
        "MinFreeDiskBytes", "MaxConcurrentPulls",
    ];

    public static readonly string[] Dashboard =
        ["RefreshInterval", "MetricsInterval", "MetricsHistory", "MetricsWindow", "SessionLifetime", "RequestTimeout", "LoginFailuresPerMinute"];
}
