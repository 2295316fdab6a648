using Gateway.Configuration;

namespace Gateway.Routing;

/// <summary>
/// With PrefixAffinity, after <see cref="ModelRoutingMiddleware"/> (which leaves the healthy replicas serving the model):
/// places the request's prompt prefix on one of them (<see cref="IPrefixAssignments"/>, asynchronous since it may ask Redis)
/// and hands the resulting <see cref="ReplicaPreference"/> to <see cref="PrefixAffinityPolicy"/>.
/// </summary>
public sealed class PrefixPlacementMiddleware(RequestDelegate next, IPrefixAssignments assignments, GatewayOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var prefix = PromptPrefix.Of(context.Features.Get<RequestBody>(), options.PrefixAffinityChars);
        var candidates = context.GetReverseProxyFeature().AvailableDestinations;
        if (prefix is not null && candidates.Count > 0)
        {
            var key = PromptPrefix.KeyOf(prefix);
            var order = RendezvousOrder.Of(key, candidates.Select(ReplicaPreference.NameOf));
            var assigned = await assignments.AssignAsync(key, order);
            context.Features.Set(new ReplicaPreference([assigned, .. order.Where(r => r != assigned)]));
        }
        await next(context);
    }
}
