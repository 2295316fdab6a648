namespace AppHost.Resources;

/// <summary>
/// Marks resource <paramref name="Index"/> of a group of identical replicas of one project (inference-0, inference-1, ...
/// form the group <c>inference</c>). Run locally and in compose each is its own service; the Helm chart makes the group one
/// StatefulSet whose pods keep the per-replica addresses (<c>inference-0.inference-headless</c>), and scales it.
/// </summary>
public sealed record ReplicaGroupAnnotation(string Group, int Index) : IResourceAnnotation;
