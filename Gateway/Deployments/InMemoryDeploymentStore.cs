using System.Collections.Concurrent;

namespace Gateway.Deployments;

public sealed class InMemoryDeploymentStore : IDeploymentStore
{
    private readonly ConcurrentDictionary<string, Deployment> _deployments = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<Deployment>> ListAsync() =>
        Task.FromResult<IReadOnlyList<Deployment>>([.. _deployments.Values.OrderBy(d => d.Created)]);

    public Task<bool> AddAsync(Deployment deployment) => Task.FromResult(_deployments.TryAdd(deployment.Name, deployment));

    public Task ReplaceAsync(Deployment deployment)
    {
        _deployments[deployment.Name] = deployment;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string name)
    {
        _deployments.TryRemove(name, out _);
        return Task.CompletedTask;
    }
}
