using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace Gateway.Routing;

/// <summary>
/// Healthy while at least one replica is available (not marked unhealthy) and serves a model; Degraded
/// otherwise: the gateway itself works and answers 503 in OpenAI's shape. Data: each replica's state.
/// </summary>
public sealed class ReplicasHealthCheck(IProxyStateLookup proxy, ModelCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!proxy.TryGetCluster(ProxyConfiguration.ClusterId, out var cluster))
            return Task.FromResult(HealthCheckResult.Degraded("The inference cluster is not loaded yet."));
        var available = cluster.DestinationsState.AvailableDestinations.Select(d => d.DestinationId).ToHashSet();
        var data = new Dictionary<string, object>();
        var serving = 0;
        foreach (var destination in cluster.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal))
        {
            var models = catalog.ModelsOf(destination.DestinationId)?.Ids ?? new HashSet<string>();
            var isAvailable = available.Contains(destination.DestinationId);
            if (isAvailable && models.Count > 0) serving++;
            data[destination.DestinationId] = new Dictionary<string, object>
            {
                ["address"] = destination.Model.Config.Address,
                ["available"] = isAvailable,
                ["active"] = destination.Health.Active.ToString(),
                ["passive"] = destination.Health.Passive.ToString(),
                ["models"] = models.Order(StringComparer.Ordinal).ToArray(),
            };
        }
        var description = $"{serving} of {cluster.Destinations.Count} replicas available and serving models";
        return Task.FromResult(serving > 0
            ? HealthCheckResult.Healthy(description, data)
            : HealthCheckResult.Degraded(description, data: data));
    }
}
