using Gateway.Routing;

namespace Gateway.Deployments;

/// <summary>
/// A deployment as the admin API shows it: its state (deploying, ready, failed, undeploying) and, per target replica, the
/// model's state there (pulling, loading, ready, draining, failed; pending before the replica reports it; unreachable),
/// the last error with when it is tried again, and its memory.
/// </summary>
public static class DeploymentView
{
    public static object Of(Deployment deployment, ModelCatalog catalog, DeploymentReconciler reconciler, bool joined = false)
    {
        var replicas = (deployment.Undeploying ? [.. catalog.Replicas.Select(r => r.Id)] : deployment.Replicas).Select(id =>
        {
            var status = catalog.StatesOf(id)?.FirstOrDefault(s => s.Name == deployment.Name);
            var failure = reconciler.FailureOf(deployment.Name, id);
            string state = !catalog.IsReachable(id) ? "unreachable"
                : status?.State ?? (deployment.Undeploying ? "unloaded" : failure is not null ? "failed" : "pending");
            return new
            {
                id,
                state,
                error = state == "failed" && (status?.ErrorMessage ?? failure?.Message) is { } message
                    ? new { message, code = status?.ErrorCode ?? failure?.Code }
                    : null,
                retry_at = state == "failed" ? failure?.RetryAt.ToUnixTimeSeconds() : null,
                memory_bytes = status?.MemoryBytes ?? 0,
            };
        }).Where(r => !deployment.Undeploying || r.state is not "unloaded").ToList();
        string overall = deployment.Undeploying ? "undeploying"
            : replicas.All(r => r.state == "ready") ? "ready"
            : replicas.Any(r => r.state == "failed") ? "failed"
            : "deploying";
        return new
        {
            name = deployment.Name,
            state = overall,
            spec = deployment.Spec,
            replicas,
            created = deployment.Created.ToUnixTimeSeconds(),
            joined,
        };
    }
}
