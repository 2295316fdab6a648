using AdminDashboard.Clients;

namespace AdminDashboard.Monitoring;

/// <summary>
/// One resource of the platform as last seen: its health report, how long /health took, and for inference
/// replicas the models they serve. <see cref="Url"/> is the address the dashboard reaches it at.
/// </summary>
public sealed record ResourceStatus(
    string Name, string Kind, string? Url, HealthReport Report, TimeSpan Latency,
    IReadOnlyList<ServedModel>? Models = null, string? ModelsError = null)
{
    public const string KindGateway = "gateway";
    public const string KindModelCache = "model cache";
    public const string KindInference = "inference";
    public const string KindDashboard = "dashboard";
    public const string KindRedis = "redis";

    public bool IsHealthy => Report.Status == HealthReport.Healthy;
}

/// <summary>Every resource as of one round of checks.</summary>
public sealed record PlatformSnapshot(IReadOnlyList<ResourceStatus> Resources, DateTimeOffset At)
{
    public static PlatformSnapshot Empty { get; } = new([], DateTimeOffset.MinValue);

    public IEnumerable<ResourceStatus> Replicas => Resources.Where(r => r.Kind == ResourceStatus.KindInference);
}
