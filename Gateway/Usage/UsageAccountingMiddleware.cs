using Gateway.Access;
using Gateway.Limits;
using Gateway.Observability;
using Gateway.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Usage;

/// <summary>
/// Counts the tokens of each proxied response against its key's tokens-per-minute bucket (and the token metric),
/// from the usage the replica reports, streamed or not.
/// </summary>
public sealed class UsageAccountingMiddleware(RequestDelegate next, RateLimiter limiter, GatewayMetrics metrics,
    ILogger<UsageAccountingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var caller = context.Features.Get<AuthenticatedCaller>();
        if (caller is null || !HttpMethods.IsPost(context.Request.Method))
        {
            await next(context);
            return;
        }
        var dropUsageChunk = context.Features.Get<RoutedRequest>()?.UsageInjected ?? false;
        var original = context.Response.Body;
        var metering = new UsageMeteringStream(original, context.Response, dropUsageChunk, usage => ChargeAsync(caller, usage));
        context.Response.Body = metering;
        try
        {
            await next(context);
            // After a failed or abandoned response there is nothing left to meter or to pass on.
            if (context.Features.Get<IForwarderErrorFeature>() is null && !context.RequestAborted.IsCancellationRequested)
                await metering.FinishAsync(context.RequestAborted);
        }
        finally
        {
            context.Response.Body = original;
        }
    }

    private async ValueTask ChargeAsync(AuthenticatedCaller caller, TokenUsage usage)
    {
        metrics.Tokens(caller.Key.Name, usage.PromptTokens, usage.CompletionTokens);
        try
        {
            await limiter.ChargeTokensAsync(caller.Subject, caller.Limits.TokensPerMinute, usage.TotalTokens);
        }
        catch (Exception error)
        {
            // Nobody awaits a charge (see UsageMeteringStream), so its failure is logged here.
            logger.LogError(error, "Charging {Tokens} tokens to key {KeyName} failed", usage.TotalTokens, caller.Key.Name);
        }
    }
}
