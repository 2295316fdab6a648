using System.Globalization;
using AppHost.Resources;

namespace AppHost.Publishing.Kubernetes;

/// <summary>
/// A container's <c>env</c> list, from the manifest: a value that is a parameter comes from the Secret (secretKeyRef); a
/// value with a parameter inside (a connection string with a password) uses <c>$(VARIABLE)</c>, defined first from the
/// Secret; the entries that name each replica of a group (<c>services__inference__http__0..</c>) become one Helm range up
/// to the group's most replicas; references to a container that may be external (Redis) follow that value. Then the
/// OpenTelemetry settings and, behind the GPU switch, the GPU's variables.
/// </summary>
public static class ContainerEnvironment
{
    public static string Write(Workload workload, HelmChart chart)
    {
        var service = workload.Service;
        var expressions = chart.Expressions;
        // Each entry, with the condition (if any) under which it exists.
        var entries = new List<(string? Condition, string Text)>();

        var embedded = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var value in service.Environment.Select(e => e.Value).Where(v => expressions.WholeParameter(v) is null).Concat(service.Arguments))
            expressions.Resolve(value, embedded);
        var helpers = embedded.Select(chart.Model.Parameter).ToDictionary(p => p.VariableName, p => p.Name);
        entries.AddRange(helpers.Select(h => ((string?)null, Secret(h.Key, h.Value))));

        foreach (var (name, value) in service.Environment)
        {
            if (expressions.WholeParameter(value) is { } parameter)
            {
                if (!helpers.TryGetValue(name, out var defined)) entries.Add((null, Secret(name, parameter)));
                else if (defined != parameter) throw new InvalidDataException($"{service.Name}: {name} is both {parameter} and the variable of {defined}.");
                continue;
            }
            var references = ManifestExpressions.ReferencedResources(value).Where(chart.IsWorkload).ToList();
            if (references.Select(r => chart.Model.Services.Single(s => s.Name == r)).FirstOrDefault(s => s.Replica is not null && chart.WorkloadOf(s.Name) != workload) is { } replica)
            {
                var range = ReplicaRange(service, name, value, replica, chart);
                if (!entries.Contains((null, range))) entries.Add((null, range));
                continue;
            }
            var resolved = Value(name, expressions.Resolve(value));
            if (references.Select(chart.WorkloadOf).FirstOrDefault(w => w.CanBeExternal) is not { } external)
                entries.Add((null, resolved));
            else if (value == $"{{{external.Service.Name}.connectionString}}")
                entries.Add((null, $"{{{{- if {external.ExternalConnectionStringValue} }}}}\n{Secret(name, external.ExternalConnectionStringKey)}\n{{{{- else }}}}\n{resolved}\n{{{{- end }}}}"));
            else
                entries.Add(($"not {external.ExternalConnectionStringValue}", resolved));
        }

        if (service.IsProject)
        {
            entries.Add((null, Value(OpenTelemetry.ServiceName, workload.Name)));
            entries.Add((null, $"- name: {OpenTelemetry.Endpoint}\n  value: {{{{ .Values.otel.endpoint | quote }}}}"));
            entries.Add((null, $"- name: {OpenTelemetry.Protocol}\n  value: {{{{ .Values.otel.protocol | quote }}}}"));
        }
        if (service.Annotation<GpuSupportAnnotation>() is { } gpu)
            entries.AddRange(gpu.Environment.Select(e => ((string?)$".Values.{workload.ValuesKey}.gpu.enabled", Value(e.Key, e.Value))));
        return Conditioned(entries);
    }

    /// <summary>The entries in order, consecutive ones with the same condition inside one <c>if</c>.</summary>
    private static string Conditioned(List<(string? Condition, string Text)> entries)
    {
        var blocks = new List<string>();
        for (var i = 0; i < entries.Count;)
        {
            var condition = entries[i].Condition;
            var run = entries.Skip(i).TakeWhile(e => e.Condition == condition).Select(e => e.Text).ToList();
            blocks.Add(condition is null ? string.Join('\n', run) : $"{{{{- if {condition} }}}}\n{string.Join('\n', run)}\n{{{{- end }}}}");
            i += run.Count;
        }
        return string.Join('\n', blocks);
    }

    private static string Value(string name, string value) => $"- name: {name}\n  value: {HelmText.Quote(value)}";

    private static string Secret(string name, string key) =>
        $"- name: {name}\n  valueFrom:\n    secretKeyRef:\n      name: {HelmChart.SecretName}\n      key: {key}";

    /// <summary>
    /// The service discovery entries of a replica group, one per replica the group may have (<c>services__inference__http__{i}</c>
    /// → <c>http://inference-{i}.inference-headless:8080</c>), as the manifest has one per replica of the model. The gateway
    /// health-checks each, so the entries of replicas not running (yet) are only out of rotation.
    /// </summary>
    private static string ReplicaRange(PublishedService service, string name, string value, PublishedService replica, HelmChart chart)
    {
        var group = chart.WorkloadOf(replica.Name);
        var endpoint = replica.Bindings.Select(b => b.Name).FirstOrDefault(b => value == $"{{{replica.Name}.bindings.{b}.url}}")
            ?? throw new NotSupportedException($"{service.Name}: {name}={value}: a replica of {group.Name} is referenced by its endpoint's url only.");
        var key = ServiceDiscoveryKey(group.Name, endpoint, replica.Replica!.Index);
        if (name != key)
            throw new NotSupportedException($"{service.Name}: {name}: the replicas of {group.Name} are referenced by service discovery's names ({key}) only.");
        var binding = replica.Manifest["bindings"]![endpoint]!;
        var port = KubernetesAddressing.ServicePort(binding, chart.Expressions.TargetPort(replica.Name, binding)).ToString(CultureInfo.InvariantCulture);
        return $$$"""
            {{- range $i := until (int (include "{{{HelmChart.Name}}}.replicaSlots.{{{group.Name}}}" $)) }}
            - name: {{{ServiceDiscoveryKey(group.Name, endpoint, null)}}}{{ $i }}
              value: "{{{ManifestExpressions.Scheme(binding)}}}://{{{group.Name}}}-{{ $i }}.{{{Workload.HeadlessServiceName(group.Name)}}}:{{{port}}}"
            {{- end }}
            """;
    }

    private static string ServiceDiscoveryKey(string service, string endpoint, int? index) => $"services__{service}__{endpoint}__{index}";
}
