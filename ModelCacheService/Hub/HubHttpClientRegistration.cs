using System.Net;
using Microsoft.Extensions.Http.Resilience;
using ModelCacheService.Configuration;
using Polly;

namespace ModelCacheService.Hub;

/// <summary>
/// The HttpClient behind <see cref="HubClient"/>: no automatic redirects (the CDN redirect carries the LFS
/// metadata), no decompression, and our own Polly pipeline instead of the service defaults' standard one:
/// exponential retries of timeouts, 408, 429 and 5xx only (never 401/403/404), and a per-attempt timeout
/// that covers the wait for the headers, not the body (a large download takes as long as it takes).
/// </summary>
public static class HubHttpClientRegistration
{
    public static IServiceCollection AddHubClient(this IServiceCollection services, DownloadSettings settings)
    {
        var client = services.AddHttpClient<HubClient>(http =>
            {
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("ModelCacheService/1.0 (huggingface_hub-compatible)");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = settings.AttemptTimeout,
            });
        // Replaces the service defaults' standard handler for this client only (the documented way; still marked experimental).
#pragma warning disable EXTEXP0001
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddResilienceHandler("hub", pipeline =>
        {
            // HttpRetryStrategyOptions' default predicate: HttpRequestException, timeouts, 408, 429 and 5xx.
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = settings.MaxRetries,
                Delay = settings.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
            pipeline.AddTimeout(settings.AttemptTimeout);
        });
        return services;
    }
}
