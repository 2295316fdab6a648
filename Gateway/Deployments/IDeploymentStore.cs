namespace Gateway.Deployments;

/// <summary>The desired deployments, shared by every gateway (Redis) or this gateway's own (memory, without Redis).
/// Throws <see cref="Keys.KeyStoreUnavailableException"/> while the shared store is unreachable.</summary>
public interface IDeploymentStore
{
    Task<IReadOnlyList<Deployment>> ListAsync();

    /// <summary>Adds it unless a deployment of that name exists (false then).</summary>
    Task<bool> AddAsync(Deployment deployment);

    Task ReplaceAsync(Deployment deployment);

    Task RemoveAsync(string name);
}
