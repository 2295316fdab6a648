namespace AppHost.Resources;

/// <summary>A named volume a project's container mounts when deployed with compose (Aspire's volume annotations are for
/// container resources only).</summary>
public sealed record ComposeVolumeAnnotation(string Name, string Target) : IResourceAnnotation;
