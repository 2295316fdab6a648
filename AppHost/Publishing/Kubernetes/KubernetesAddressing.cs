using System.Text.Json.Nodes;

namespace AppHost.Publishing.Kubernetes;

/// <summary>
/// Kubernetes: a parameter inside a larger value is <c>$(VARIABLE)</c>, an environment variable that the container
/// defines earlier from the chart's Secret (Kubernetes expands it); services reach each other through their Services, by
/// name, on the Service's port (the endpoint's declared port, else the container's); a replica of a group through its
/// pod's stable name under the group's headless Service (<c>inference-1.inference-headless</c>).
/// </summary>
public sealed class KubernetesAddressing(PublishedModel model) : ServiceAddressing
{
    public override string Parameter(ManifestParameter parameter) => $"$({parameter.VariableName})";

    public override string Host(string resource) =>
        model.Services.FirstOrDefault(s => s.Name == resource)?.Replica is { } replica
            ? $"{replica.Group}-{replica.Index}.{Workload.HeadlessServiceName(replica.Group)}"
            : resource;

    public override int Port(JsonNode binding, int targetPort) => ServicePort(binding, targetPort);

    public static int ServicePort(JsonNode binding, int targetPort) => binding["port"]?.GetValue<int>() ?? targetPort;
}
