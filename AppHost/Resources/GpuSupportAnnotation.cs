namespace AppHost.Resources;

/// <summary>Marks a service that can use an NVIDIA GPU (the inference replicas): compose gets a commented GPU reservation.</summary>
public sealed class GpuSupportAnnotation : IResourceAnnotation;
