namespace AppHost.Resources;

/// <summary>Marks a service that can use an NVIDIA GPU (the inference replicas), and the environment that turns it on
/// (<c>Engine__Device=cuda</c>): compose gets a commented GPU reservation, the Helm chart a values switch.</summary>
public sealed record GpuSupportAnnotation(IReadOnlyDictionary<string, string> Environment) : IResourceAnnotation;
