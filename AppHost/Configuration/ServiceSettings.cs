namespace AppHost.Configuration;

/// <summary>
/// The settings of the services that the AppHost passes on (<c>--Gateway:RequestsPerMinute 60</c> reaches the gateway as
/// <c>Gateway__RequestsPerMinute</c>): their options classes' keys, except those the AppHost sets itself (the admin key
/// and the replicas' API key from its parameters, the Aspire dashboard's address). AppHost.Tests checks these lists
/// against the options classes.
/// </summary>
public static class ServiceSettings
{
    public static readonly string[] Gateway =
    [
        "MaxRequestBodyBytes", "DefaultRequestsPerMinute", "DefaultTokensPerMinute", "AnonymousRequestsPerMinute",
        "KeyRevalidateAfter", "KeyOfflineGrace", "HealthCheckInterval", "ModelRefreshInterval", "PassiveReactivationPeriod",
        "UpstreamActivityTimeout", "AccessLog",
    ];

    /// <summary>Gateway settings that are lists (<c>--Gateway:CorsOrigins:0 https://app.example</c>).</summary>
    public static readonly string[] GatewayLists = ["CorsOrigins"];

    public static readonly string[] ModelCache =
        ["MaxParallelDownloads", "MaxRetries", "RetryBaseDelay", "AttemptTimeout", "StallTimeout", "ProgressInterval"];

    public static readonly string[] Dashboard =
        ["RefreshInterval", "MetricsInterval", "MetricsHistory", "MetricsWindow", "SessionLifetime", "RequestTimeout"];
}
