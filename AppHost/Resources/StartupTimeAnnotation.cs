namespace AppHost.Resources;

/// <summary>How long a deployed service may take to become healthy after it starts (an inference replica loads its
/// model first): compose's healthcheck start period, the Kubernetes startup probe's default budget.</summary>
public sealed record StartupTimeAnnotation(TimeSpan Limit) : IResourceAnnotation
{
    /// <summary>What a service without the annotation gets.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(2);

    public static TimeSpan Of(IResource resource) =>
        resource.Annotations.OfType<StartupTimeAnnotation>().LastOrDefault()?.Limit ?? Default;
}
