namespace Gateway.Routing;

/// <summary>
/// Rendezvous (highest random weight) hashing: each prefix orders the replicas its own way, and removing one replica
/// changes no other replica's place. FNV-1a, stable across processes (string.GetHashCode is not), so every gateway
/// instance orders alike.
/// </summary>
public static class RendezvousOrder
{
    public static IReadOnlyList<string> Of(string prefixKey, IEnumerable<string> replicas) =>
        replicas.OrderByDescending(r => Score(prefixKey, r)).ThenBy(r => r, StringComparer.Ordinal).ToList();

    private static ulong Score(string prefixKey, string replica)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in replica) hash = (hash ^ c) * 1099511628211UL;
        foreach (var c in prefixKey) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }
}
