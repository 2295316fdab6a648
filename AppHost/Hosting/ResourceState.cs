namespace AppHost.Hosting;

/// <summary>Where a resource's process stands, as shown in the resource table.</summary>
public enum ResourceState
{
    NotStarted,
    Starting,
    Running,
    Healthy,
    Unhealthy,
    Exited,
    Stopped,
}
