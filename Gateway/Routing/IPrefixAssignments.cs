namespace Gateway.Routing;

/// <summary>
/// Which replica each prompt prefix is placed on. A prefix keeps its replica while that replica is a candidate and the
/// prefix is used within <see cref="Configuration.GatewayOptions.PrefixAffinityTtl"/> (each use refreshes it); a new
/// prefix, or one whose replica left, goes to the candidate with the fewest live prefixes, ties to the first in the given
/// order (the prefix's <see cref="RendezvousOrder"/>). So prefixes, not only requests, are balanced over the replicas.
/// </summary>
public interface IPrefixAssignments
{
    /// <summary>The replica of <paramref name="prefixKey"/> among <paramref name="candidates"/> (never empty), assigning one if needed.</summary>
    ValueTask<string> AssignAsync(string prefixKey, IReadOnlyList<string> candidates);
}
