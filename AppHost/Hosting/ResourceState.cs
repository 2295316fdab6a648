namespace AppHost.Hosting;

/// <summary>Where a resource replica stands, as shown in the resource table.</summary>
public enum ResourceState
{
    /// <summary>Waiting for the resources it waits for to be healthy.</summary>
    Waiting,
    Starting,
    /// <summary>Running, and it has no health check.</summary>
    Running,
    Healthy,
    Unhealthy,
    /// <summary>It exited unexpectedly and is restarted after a backoff.</summary>
    Restarting,
    /// <summary>It could not be started (or something it waits for could not), and is not retried.</summary>
    FailedToStart,
    Stopping,
    Stopped,
}
