namespace AppHost.Resources;

/// <summary>What Program.cs says about a service's deployment beyond what Aspire models (read by the publishers).</summary>
public static class DeploymentAnnotations
{
    public static IResourceBuilder<ProjectResource> InReplicaGroup(this IResourceBuilder<ProjectResource> replica, string group, int index) =>
        replica.WithAnnotation(new ReplicaGroupAnnotation(group, index));

    public static IResourceBuilder<ProjectResource> WithQueueAutoscaling(this IResourceBuilder<ProjectResource> replica, string metric) =>
        replica.WithAnnotation(new QueueAutoscalingAnnotation(metric));

    public static IResourceBuilder<ProjectResource> AsPublicEntryPoint(this IResourceBuilder<ProjectResource> service) =>
        service.WithAnnotation(new PublicEntryPointAnnotation());

    public static IResourceBuilder<ProjectResource> WithTlsTermination(this IResourceBuilder<ProjectResource> service, string settingsPrefix) =>
        service.WithAnnotation(new TlsTerminationAnnotation(settingsPrefix));
}
