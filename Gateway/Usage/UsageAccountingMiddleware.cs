using Gateway.Access;
using Gateway.Limits;
using Gateway.Observability;
using Gateway.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Usage;

/// <summary>
/// Settles each proxied response's token reservation to the usage the replica reports, streamed or not (and counts the
/// tokens in the token metric). A response whose usage never passes keeps its reservation charged
/// (<see cref="TokenReservation"/>).
/// </summary>
public sealed class UsageAccountingMiddleware(RequestDelegate next, GatewayMetrics metrics, ILogger<UsageAccountingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var caller = context.Features.Get<AuthenticatedCaller>();
        var reservation = context.Features.Get<TokenReservation>();
        if (caller is null || reservation is null || !HttpMethods.IsPost(context.Request.Method))
        {
            await next(context);
            return;
        }
        var dropUsageChunk = context.Features.Get<RoutedRequest>()?.UsageInjected ?? false;
        var original = context.Response.Body;
        var metering = new UsageMeteringStream(original, context.Response, dropUsageChunk, usage => SettleAsync(caller, reservation, usage));
        context.Response.Body = metering;
        try
        {
            await next(context);
            // After a failed or abandoned response there is nothing left to pass on.
            if (context.Features.Get<IForwarderErrorFeature>() is null && !context.RequestAborted.IsCancellationRequested)
                await metering.FinishAsync(context.RequestAborted);
        }
        finally
        {
            context.Response.Body = original;
        }
    }

    private async ValueTask SettleAsync(AuthenticatedCaller caller, TokenReservation reservation, TokenUsage usage)
    {
        metrics.Tokens(caller.Key.Name, usage.PromptTokens, usage.CompletionTokens);
        try
        {
            await reservation.SettleAsync(usage.TotalTokens);
        }
        catch (Exception error)
        {
            // Nobody awaits a charge (see UsageMeteringStream), so its failure is logged here.
            logger.LogError(error, "Charging {Tokens} tokens to key {KeyName} failed", usage.TotalTokens, caller.Key.Name);
        }
    }
}
