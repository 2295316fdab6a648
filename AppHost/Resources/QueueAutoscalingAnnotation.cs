namespace AppHost.Resources;

/// <summary>Scale the replica group on a Prometheus gauge of queued work that each replica serves at /metrics (the Helm
/// chart's KEDA ScaledObject, off by default).</summary>
public sealed record QueueAutoscalingAnnotation(string Metric) : IResourceAnnotation;
