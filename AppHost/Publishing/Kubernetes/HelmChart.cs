namespace AppHost.Publishing.Kubernetes;

/// <summary>What the chart's templates are written from: the published model resolved for Kubernetes, its workloads, and
/// the values the templates read (added as they are written).</summary>
public sealed class HelmChart
{
    public const string Name = PublishedModel.SystemName;

    /// <summary>The one Secret: the parameters (generated on install when not given, kept on upgrade), and external
    /// connection strings.</summary>
    public const string SecretName = Name + "-secrets";

    public HelmChart(PublishedModel model)
    {
        Model = model;
        Expressions = new ManifestExpressions(model.Resources, new KubernetesAddressing(model));
        Workloads = Workload.From(model, Expressions);
        // Every parameter a service or its command line references goes into the Secret.
        foreach (var service in model.Services)
            foreach (var value in service.Environment.Select(e => e.Value).Concat(service.Arguments))
                Expressions.Resolve(value);
        Parameters = [.. Expressions.UsedParameters.Order(StringComparer.Ordinal).Select(model.Parameter)];
    }

    public PublishedModel Model { get; }
    public ManifestExpressions Expressions { get; }
    public IReadOnlyList<Workload> Workloads { get; }
    public IReadOnlyList<ManifestParameter> Parameters { get; }
    public ChartValues Values { get; } = new();

    /// <summary>The workload a resource is part of (a replica → its group).</summary>
    public Workload WorkloadOf(string resource) => Workloads.Single(w => w.Members.Any(m => m.Name == resource));

    public bool IsWorkload(string resource) => Workloads.Any(w => w.Members.Any(m => m.Name == resource));

    /// <summary>The start of every object: apiVersion, kind, name, and the chart's labels (component: the service it is part of).</summary>
    public static string ObjectHeader(string apiVersion, string kind, string name, string component) =>
        $"apiVersion: {apiVersion}\nkind: {kind}\nmetadata:\n  name: {name}\n  labels:\n" +
        $"    {{{{- include \"{Name}.labels\" (dict \"root\" $ \"component\" \"{component}\") | nindent 4 }}}}";

    public static string SecretValuesKey(ManifestParameter parameter) => $"secrets.{HelmText.ValuesKey(parameter.Name)}";
}
