namespace AppHost.Resources;

/// <summary>How long a deployed service may take from SIGTERM to its exit (an inference replica drains its running requests
/// first, up to its --shutdown-timeout): the Kubernetes pods' terminationGracePeriodSeconds, compose's stop_grace_period.</summary>
public sealed record ShutdownTimeAnnotation(TimeSpan Limit) : IResourceAnnotation;
