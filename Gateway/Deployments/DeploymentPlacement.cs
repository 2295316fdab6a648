using Gateway.Routing;

namespace Gateway.Deployments;

/// <summary>Which replicas a new deployment goes to: the named ones, or N of the reachable ones — those already holding the
/// model first, then the least busy (fewest models), in id order for ties.</summary>
public static class DeploymentPlacement
{
    /// <summary>The target replica ids, or why there are none: (message, code, param) of a 400.</summary>
    public static (string[]? Targets, string? Error, string? Code, string? Param) Choose(DeploymentRequest request, ModelCatalog catalog)
    {
        var known = catalog.Replicas.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        if (request.ReplicaIds?.FirstOrDefault(id => !known.Contains(id)) is { } unknown)
            return (null, $"No replica has the id '{unknown}' (known: {string.Join(", ", known.Order())}).", "unknown_replica", "replica_ids");
        if (request.ReplicaIds is { } named) return (named, null, null, null);
        var reachable = catalog.Replicas.Where(r => catalog.IsReachable(r.Id)).ToList();
        int count = request.Count ?? 1;
        if (count > reachable.Count)
            return (null, $"'replicas' is {count}, but {reachable.Count} of {known.Count} replicas are reachable now.", "not_enough_replicas", "replicas");
        return ([.. reachable
            .OrderBy(r => catalog.StatesOf(r.Id)?.Any(s => s.Name == request.Name) == true ? 0 : 1)
            .ThenBy(r => catalog.StatesOf(r.Id)?.Count ?? 0)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Take(count)
            .Select(r => r.Id)], null, null, null);
    }
}
