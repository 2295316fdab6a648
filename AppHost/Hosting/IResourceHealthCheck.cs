namespace AppHost.Hosting;

/// <summary>Whether one running replica of a resource is healthy (its dependents may start).</summary>
public interface IResourceHealthCheck
{
    Task<bool> IsHealthyAsync(Resource resource, int replica, CancellationToken cancel);
}
