using AppHost.Resources;

namespace AppHost.Publishing.Kubernetes;

/// <summary>
/// One workload of the chart: a project becomes a Deployment; the replicas of a group (inference-0..N-1) become one
/// StatefulSet of the group's name whose pods keep the replicas' names; a container (Redis) becomes a StatefulSet with
/// its volumes as volume claim templates.
/// </summary>
public sealed record Workload(string Name, IReadOnlyList<PublishedService> Members)
{
    /// <summary>What every member is: the first replica of a group.</summary>
    public PublishedService Service => Members[0];

    public bool IsReplicaGroup => Service.Replica is not null;

    public bool IsStatefulSet => IsReplicaGroup || !Service.IsProject;

    public string ValuesKey => HelmText.ValuesKey(Name);

    /// <summary>Reachable from outside in the model (the gateway, the admin dashboard): its Service's type is a value.</summary>
    public bool IsExternal => Service.Bindings.Any(b => b.Binding["external"]?.GetValue<bool>() == true);

    /// <summary>Its endpoints: the container's port, and the Service's (<see cref="KubernetesAddressing.ServicePort"/>).</summary>
    public IReadOnlyList<(string Name, int ContainerPort, int ServicePort)> Ports(ManifestExpressions expressions) =>
    [
        .. Service.Bindings.Select(b => (b.Name, expressions.TargetPort(Service.Name, b.Binding),
            KubernetesAddressing.ServicePort(b.Binding, expressions.TargetPort(Service.Name, b.Binding)))),
    ];

    /// <summary>A container with a connection string (Redis) may be replaced by an external one from the values.</summary>
    public bool CanBeExternal => !Service.IsProject && Service.Manifest["connectionString"] is not null;

    public string ExternalConnectionStringValue => $".Values.{ValuesKey}.external.connectionString";

    /// <summary>The Secret key of that external connection string.</summary>
    public string ExternalConnectionStringKey => $"{Name}-connection-string";

    public static string HeadlessServiceName(string group) => $"{group}-headless";

    /// <summary>The workloads of the model, in its order; the replicas of a group must be the same project with the same
    /// environment, numbered from 0.</summary>
    public static IReadOnlyList<Workload> From(PublishedModel model, ManifestExpressions expressions)
    {
        var workloads = new List<Workload>();
        foreach (var service in model.Services)
        {
            if (service.Replica is not { } replica)
            {
                workloads.Add(new Workload(service.Name, [service]));
                continue;
            }
            if (workloads.Any(w => w.Name == replica.Group)) continue;
            var members = model.Services.Where(s => s.Replica?.Group == replica.Group).OrderBy(s => s.Replica!.Index).ToList();
            if (!members.Select(m => m.Replica!.Index).SequenceEqual(Enumerable.Range(0, members.Count)))
                throw new InvalidDataException($"The replicas of {replica.Group} are not numbered 0..{members.Count - 1}.");
            var first = Describe(members[0], expressions);
            if (members.FirstOrDefault(m => Describe(m, expressions) != first) is { } different)
                throw new InvalidDataException($"{different.Name} differs from {members[0].Name} (project or environment): the replicas of {replica.Group} must be identical.");
            workloads.Add(new Workload(replica.Group, members));
        }
        return workloads;
    }

    private static string Describe(PublishedService member, ManifestExpressions expressions) =>
        member.ProjectPath + "\n" + string.Join("\n", member.Environment.Select(e => $"{e.Name}={expressions.Resolve(e.Value)}"));
}
