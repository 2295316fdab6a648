using Gateway.Configuration;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Gateway.Routing;

/// <summary>
/// KV-cache-aware load balancing: consistent (rendezvous) hashing of the request's <see cref="PromptPrefix"/> over the
/// available replicas, so requests sharing a prefix meet the replica that has it cached, with bounded loads: a replica
/// already holding more than <see cref="GatewayOptions.PrefixAffinityLoadFactor"/> × the average of the requests in
/// flight is passed over for the prefix's next replica, so a hot prefix cannot overload one. Requests without a prompt
/// go to the replica with the fewest requests in flight.
/// </summary>
public sealed class PrefixAffinityPolicy(GatewayOptions options) : ILoadBalancingPolicy
{
    public const string PolicyName = "PrefixAffinity";

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count == 0) return null;
        var prefix = PromptPrefix.Of(context.Features.Get<RequestBody>(), options.PrefixAffinityChars);
        if (prefix is null) return availableDestinations.MinBy(d => d.ConcurrentRequestCount);

        // This request included: the bound is never below one request per replica.
        var inFlight = availableDestinations.Sum(d => d.ConcurrentRequestCount) + 1;
        var bound = Math.Ceiling(options.PrefixAffinityLoadFactor * inFlight / availableDestinations.Count);
        return availableDestinations
            .OrderByDescending(d => Score(prefix, d.DestinationId))
            .First(d => d.ConcurrentRequestCount + 1 <= bound);
    }

    /// <summary>The replica's rank for the prefix: each prefix orders the replicas its own way, and removing one replica
    /// moves only the prefixes it ranked first.</summary>
    private static ulong Score(string prefix, string destination)
    {
        // FNV-1a: stable across processes (string.GetHashCode is not), so every gateway instance routes a prefix alike.
        var hash = 14695981039346656037UL;
        foreach (var c in destination) hash = (hash ^ c) * 1099511628211UL;
        foreach (var c in prefix) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }
}
