namespace Gateway.Routing;

/// <summary>How the gateway picks one of the replicas that serve a request's model (<c>Gateway:Routing</c>).</summary>
public enum RoutingPolicy
{
    /// <summary>The replica with the fewest requests in flight.</summary>
    LeastRequests,

    /// <summary>Requests whose prompts share a prefix go to the same replica, whose prefix cache holds it
    /// (<see cref="PrefixAffinityPolicy"/>).</summary>
    PrefixAffinity,
}
