using Gateway.Configuration;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Gateway.Routing;

/// <summary>
/// KV-cache-aware load balancing: a request goes to the first replica of its <see cref="ReplicaPreference"/> (the replica
/// its prompt prefix is placed on, <see cref="PrefixPlacementMiddleware"/>) whose load is within bounds: a replica already
/// holding more than <see cref="GatewayOptions.PrefixAffinityLoadFactor"/> × the average of the requests in flight is passed
/// over for the next, so a hot prefix cannot overload one. Requests without a prompt go to the replica with the fewest
/// requests in flight.
/// </summary>
public sealed class PrefixAffinityPolicy(GatewayOptions options) : ILoadBalancingPolicy
{
    public const string PolicyName = "PrefixAffinity";

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count == 0) return null;
        var preference = context.Features.Get<ReplicaPreference>();
        if (preference is null) return availableDestinations.MinBy(d => d.ConcurrentRequestCount);

        // This request included: the bound is never below one request per replica, so the least loaded replica is always within it.
        var inFlight = availableDestinations.Sum(d => d.ConcurrentRequestCount) + 1;
        var bound = Math.Ceiling(options.PrefixAffinityLoadFactor * inFlight / availableDestinations.Count);
        return availableDestinations.Where(d => d.ConcurrentRequestCount + 1 <= bound).MinBy(preference.RankOf);
    }
}
