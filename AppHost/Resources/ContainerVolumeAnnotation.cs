namespace AppHost.Resources;

/// <summary>A named volume a project's container mounts when deployed (compose: a named volume; Kubernetes: a
/// PersistentVolumeClaim shared by the services that mount it). Aspire's volume annotations are for container resources
/// only.</summary>
public sealed record ContainerVolumeAnnotation(string Name, string Target) : IResourceAnnotation;
