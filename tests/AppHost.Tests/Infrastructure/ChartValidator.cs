using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AppHost.Tests.Infrastructure;

/// <summary>
/// The chart's own rules over the rendered objects (what the API schemas cannot see): every Secret, ConfigMap, claim and
/// volume a pod references exists (with the keys it names); probes and Services name ports the containers have; Services, the
/// PodDisruptionBudget and workloads select pods that exist; a StatefulSet's governing Service, the Ingress backend and
/// the ScaledObject's target exist; a <c>$(VAR)</c> is defined earlier in the container; and the addresses the services
/// get (service discovery URLs, connection strings) name a Service, or a replica's pod under a headless Service, on one
/// of its ports.
/// </summary>
public static partial class ChartValidator
{
    public static List<string> Validate(IReadOnlyList<JsonObject> objects)
    {
        var problems = new List<string>();
        foreach (var duplicate in objects.GroupBy(Id).Where(g => g.Count() > 1)) problems.Add($"{duplicate.Key} rendered {duplicate.Count()} times");
        var secrets = Named(objects, "Secret").ToDictionary(s => Name(s), s => (s["data"]?.AsObject() ?? []).Select(k => k.Key)
            .Concat((s["stringData"]?.AsObject() ?? []).Select(k => k.Key)).ToHashSet());
        var configMaps = Named(objects, "ConfigMap").ToDictionary(c => Name(c), c => (c["data"]?.AsObject() ?? []).Select(k => k.Key).ToHashSet());
        var claims = Named(objects, "PersistentVolumeClaim").Select(c => Name(c)).ToHashSet();
        var services = Named(objects, "Service").ToDictionary(s => Name(s));
        var workloads = objects.Where(o => Kind(o) is "Deployment" or "StatefulSet").ToList();

        foreach (var workload in workloads)
        {
            var id = Id(workload);
            var spec = workload["spec"]!;
            var pod = spec["template"]!["spec"]!;
            var podLabels = Labels(spec["template"]!["metadata"]?["labels"]);
            if (!Selects(spec["selector"]?["matchLabels"], podLabels)) problems.Add($"{id}: its selector does not select its own pods");
            var claimTemplates = (spec["volumeClaimTemplates"]?.AsArray() ?? []).Select(t => t!["metadata"]!["name"]!.GetValue<string>()).ToHashSet();
            var volumes = (pod["volumes"]?.AsArray() ?? []).Select(v => v!.AsObject()).ToList();
            foreach (var volume in volumes)
            {
                if (volume["persistentVolumeClaim"]?["claimName"]?.GetValue<string>() is { } claim && !claims.Contains(claim))
                    problems.Add($"{id}: volume {volume["name"]} claims {claim}, which is not rendered");
                if (volume["secret"]?["secretName"]?.GetValue<string>() is { } secret)
                {
                    if (!secrets.TryGetValue(secret, out var keys)) problems.Add($"{id}: volume {volume["name"]} mounts Secret {secret}, which is not rendered");
                    else
                        foreach (var item in volume["secret"]!["items"]?.AsArray() ?? [])
                            if (!keys.Contains(item!["key"]!.GetValue<string>()))
                                problems.Add($"{id}: volume {volume["name"]}: Secret {secret} has no key {item["key"]}");
                }
                if (volume["configMap"]?["name"]?.GetValue<string>() is { } configMap && !configMaps.ContainsKey(configMap))
                    problems.Add($"{id}: volume {volume["name"]} mounts ConfigMap {configMap}, which is not rendered");
            }
            if (Kind(workload) == "StatefulSet" && spec["serviceName"]?.GetValue<string>() is { } governing && !services.ContainsKey(governing))
                problems.Add($"{id}: its serviceName {governing} is not rendered");

            foreach (var container in (pod["containers"]?.AsArray() ?? []).Concat(pod["initContainers"]?.AsArray() ?? []).Select(c => c!))
            {
                var where = $"{id} container {container["name"]}";
                var ports = (container["ports"]?.AsArray() ?? []).Select(p => (Name: p!["name"]?.GetValue<string>(), Port: p["containerPort"]!.GetValue<int>())).ToList();
                foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
                    if ((container[probe]?["httpGet"] ?? container[probe]?["tcpSocket"])?["port"] is { } port && !HasPort(ports, port))
                        problems.Add($"{where}: {probe} port {port.ToJsonString()} is not a container port");
                foreach (var mount in container["volumeMounts"]?.AsArray() ?? [])
                    if (mount!["name"]!.GetValue<string>() is var name && !volumes.Any(v => v["name"]!.GetValue<string>() == name) && !claimTemplates.Contains(name))
                        problems.Add($"{where}: mounts {name}, which is neither a volume of the pod nor a claim template");
                problems.AddRange(CheckEnvironment(where, container["env"]?.AsArray() ?? [], secrets, configMaps, services, objects));
            }
        }

        foreach (var (name, service) in services)
        {
            var selected = workloads.Where(w => Selects(service["spec"]!["selector"], Labels(w["spec"]!["template"]!["metadata"]?["labels"]))).ToList();
            if (selected.Count == 0) { problems.Add($"Service/{name}: selects no pods"); continue; }
            foreach (var port in service["spec"]!["ports"]?.AsArray() ?? [])
            {
                var target = port!["targetPort"] ?? port["port"]!;
                foreach (var workload in selected)
                    if (!(workload["spec"]!["template"]!["spec"]!["containers"]?.AsArray() ?? []).Any(c =>
                            HasPort((c!["ports"]?.AsArray() ?? []).Select(p => (p!["name"]?.GetValue<string>(), p["containerPort"]!.GetValue<int>())).ToList(), target)))
                        problems.Add($"Service/{name}: targetPort {target.ToJsonString()} is no container port of {Id(workload)}");
            }
        }

        foreach (var ingress in Named(objects, "Ingress"))
            foreach (var path in (ingress["spec"]!["rules"]?.AsArray() ?? []).SelectMany(r => r!["http"]?["paths"]?.AsArray() ?? []))
            {
                var backend = path!["backend"]!["service"]!;
                var serviceName = backend["name"]!.GetValue<string>();
                if (!services.TryGetValue(serviceName, out var service)) problems.Add($"{Id(ingress)}: backend Service {serviceName} is not rendered");
                else if (!ServicePorts(service).Any(p => backend["port"]!["name"]?.GetValue<string>() is { } portName ? p.Name == portName : p.Port == backend["port"]!["number"]!.GetValue<int>()))
                    problems.Add($"{Id(ingress)}: Service {serviceName} has no port {backend["port"]!.ToJsonString()}");
            }

        foreach (var scaled in Named(objects, "ScaledObject"))
        {
            var target = scaled["spec"]!["scaleTargetRef"]!;
            if (!workloads.Any(w => Kind(w) == (target["kind"]?.GetValue<string>() ?? "Deployment") && Name(w) == target["name"]!.GetValue<string>()))
                problems.Add($"{Id(scaled)}: scales {target["kind"]}/{target["name"]}, which is not rendered");
        }
        foreach (var budget in Named(objects, "PodDisruptionBudget"))
            if (!workloads.Any(w => Selects(budget["spec"]!["selector"]!["matchLabels"], Labels(w["spec"]!["template"]!["metadata"]?["labels"]))))
                problems.Add($"{Id(budget)}: selects no pods");
        return problems;
    }

    private static IEnumerable<string> CheckEnvironment(string where, JsonArray env, Dictionary<string, HashSet<string>> secrets,
        Dictionary<string, HashSet<string>> configMaps, Dictionary<string, JsonObject> services, IReadOnlyList<JsonObject> objects)
    {
        var defined = new HashSet<string>();
        foreach (var entry in env.Select(e => e!))
        {
            var name = entry["name"]!.GetValue<string>();
            if (entry["valueFrom"]?["secretKeyRef"] is { } secretRef)
            {
                var secret = secretRef["name"]!.GetValue<string>();
                if (!secrets.TryGetValue(secret, out var keys)) yield return $"{where} {name}: Secret {secret} is not rendered";
                else if (!keys.Contains(secretRef["key"]!.GetValue<string>())) yield return $"{where} {name}: Secret {secret} has no key {secretRef["key"]}";
            }
            if (entry["valueFrom"]?["configMapKeyRef"] is { } configMapRef)
            {
                var configMap = configMapRef["name"]!.GetValue<string>();
                if (!configMaps.TryGetValue(configMap, out var keys) || !keys.Contains(configMapRef["key"]!.GetValue<string>()))
                    yield return $"{where} {name}: ConfigMap {configMap} key {configMapRef["key"]} is not rendered";
            }
            if (entry["value"]?.GetValue<string>() is { } value)
            {
                foreach (Match reference in VariableReference().Matches(value))
                    if (!defined.Contains(reference.Groups["name"].Value))
                        yield return $"{where} {name}: $({reference.Groups["name"].Value}) is not defined before it";
                var expanded = VariableReference().Replace(value, "x");
                if (AddressVariables.ServiceDiscovery().IsMatch(name))
                    foreach (var problem in CheckAddress(where, name, Uri.TryCreate(expanded, UriKind.Absolute, out var url) ? (url.Host, url.Port) : null, services, objects))
                        yield return problem;
                if (AddressVariables.ConnectionString().IsMatch(name))
                    foreach (var problem in CheckAddress(where, name, expanded.Split(',')[0].Split(':') is [var host, var port] && int.TryParse(port, out var number) ? (host, number) : null, services, objects))
                        yield return problem;
            }
            defined.Add(name);
        }
    }

    /// <summary>host:port is a Service's name and port, or a pod of a StatefulSet under its headless Service
    /// (<c>inference-3.inference-headless</c>, within the most replicas it may have) on one of that Service's ports.</summary>
    private static IEnumerable<string> CheckAddress(string where, string variable, (string Host, int Port)? address,
        Dictionary<string, JsonObject> services, IReadOnlyList<JsonObject> objects)
    {
        if (address is not var (host, port))
        {
            yield return $"{where} {variable}: not an address";
            yield break;
        }
        var parts = host.Split('.');
        if (!services.TryGetValue(parts[^1], out var service))
        {
            yield return $"{where} {variable}: {host} names no rendered Service";
            yield break;
        }
        if (parts.Length == 2)
        {
            var statefulSet = Named(objects, "StatefulSet").FirstOrDefault(s => s["spec"]!["serviceName"]?.GetValue<string>() == parts[1]);
            var pod = PodOrdinal().Match(parts[0]);
            if (service["spec"]!["clusterIP"]?.GetValue<string>() != "None") yield return $"{where} {variable}: {parts[1]} is not headless";
            else if (statefulSet is null || !pod.Success || pod.Groups["set"].Value != Name(statefulSet))
                yield return $"{where} {variable}: {parts[0]} is no pod of a StatefulSet governed by {parts[1]}";
            else if (int.Parse(pod.Groups["ordinal"].Value) >= MostReplicas(statefulSet, objects))
                yield return $"{where} {variable}: {Name(statefulSet)} never has a pod {parts[0]}";
        }
        else if (parts.Length != 1) yield return $"{where} {variable}: {host} is not a Service or pod name of this release";
        if (!ServicePorts(service).Any(p => p.Port == port)) yield return $"{where} {variable}: Service {parts[^1]} has no port {port}";
    }

    private static int MostReplicas(JsonObject statefulSet, IReadOnlyList<JsonObject> objects) =>
        Named(objects, "ScaledObject").FirstOrDefault(s => s["spec"]!["scaleTargetRef"]!["name"]!.GetValue<string>() == Name(statefulSet)) is { } scaled
            ? scaled["spec"]!["maxReplicaCount"]!.GetValue<int>()
            : statefulSet["spec"]!["replicas"]?.GetValue<int>() ?? 1;

    public static IEnumerable<JsonObject> Named(IReadOnlyList<JsonObject> objects, string kind) => objects.Where(o => Kind(o) == kind);

    public static string Name(JsonNode o) => o["metadata"]!["name"]!.GetValue<string>();

    private static string Kind(JsonNode o) => o["kind"]!.GetValue<string>();

    private static string Id(JsonNode o) => $"{Kind(o)}/{Name(o)}";

    private static Dictionary<string, string> Labels(JsonNode? labels) =>
        (labels?.AsObject() ?? []).ToDictionary(l => l.Key, l => l.Value!.GetValue<string>());

    private static bool Selects(JsonNode? selector, Dictionary<string, string> labels) =>
        selector is JsonObject match && match.Count > 0 && match.All(m => labels.TryGetValue(m.Key, out var value) && value == m.Value!.GetValue<string>());

    private static bool HasPort(IReadOnlyList<(string? Name, int Port)> ports, JsonNode port) =>
        port.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? ports.Any(p => p.Name == port.GetValue<string>())
            : ports.Any(p => p.Port == port.GetValue<int>());

    private static IEnumerable<(string? Name, int Port)> ServicePorts(JsonObject service) =>
        (service["spec"]!["ports"]?.AsArray() ?? []).Select(p => (p!["name"]?.GetValue<string>(), p["port"]!.GetValue<int>()));

    [GeneratedRegex(@"(?<!\$)\$\((?<name>[A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^(?<set>[a-z0-9-]+)-(?<ordinal>\d+)$")]
    private static partial Regex PodOrdinal();
}
