namespace AppHost.Resources;

/// <summary>The healthcheck a service gets in compose (a container-side command; Aspire's own health checks run in the
/// AppHost and are not published). Dependents wait for it to be healthy.</summary>
public sealed record ComposeHealthCheckAnnotation(IReadOnlyList<string> Test) : IResourceAnnotation;
