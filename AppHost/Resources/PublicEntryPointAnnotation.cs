namespace AppHost.Resources;

/// <summary>The service clients reach from outside (the gateway): the Helm chart exposes it with a LoadBalancer Service or
/// an Ingress; other external endpoints (the admin dashboard) get a ClusterIP Service by default.</summary>
public sealed class PublicEntryPointAnnotation : IResourceAnnotation;
