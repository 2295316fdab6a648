namespace AppHost.Resources;

/// <summary>How a deployed service's container tells that it is healthy (Aspire's own health checks run in the AppHost
/// and are not published): compose turns it into a healthcheck that dependents wait for, Kubernetes into probes.</summary>
public abstract record HealthProbeAnnotation : IResourceAnnotation;

/// <summary>ServiceDefaults' endpoints on the container's HTTP port: <paramref name="ReadinessPath"/> (every check, so
/// traffic waits for dependencies) and <paramref name="LivenessPath"/> (the process only, so a missing dependency never
/// gets the container restarted).</summary>
public sealed record HttpHealthProbeAnnotation(string ReadinessPath, string LivenessPath) : HealthProbeAnnotation;

/// <summary>A shell command run in the container, healthy when it exits 0 (e.g. redis-cli ping).</summary>
public sealed record ShellHealthProbeAnnotation(string Command) : HealthProbeAnnotation;
