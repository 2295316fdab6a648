using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AppHost.Tests.Infrastructure;

/// <summary>
/// Checks a published compose folder: the YAML parses; every service has an image or a build whose context
/// and Dockerfile exist (and the project the Dockerfile publishes exists); healthchecks everywhere;
/// depends_on, references (services__X__..., ConnectionStrings__X) and volumes resolve to declared services
/// and volumes on the port the target listens on; ${VARIABLES} are defined in .env or have a default;
/// published host ports are unique.
/// </summary>
public static partial class ComposeValidator
{
    public static YamlMappingNode Load(string composePath)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(composePath);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    public static YamlMappingNode Services(YamlMappingNode root) => (YamlMappingNode)root["services"];

    public static YamlMappingNode? Map(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;

    public static string? Scalar(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (child as YamlScalarNode)?.Value : null;

    public static IReadOnlyList<string> Sequence(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode sequence
            ? sequence.Children.Select(c => ((YamlScalarNode)c).Value!).ToList()
            : [];

    public static Dictionary<string, string> Environment(YamlNode service) =>
        Map(service, "environment")?.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value ?? "")
        ?? [];

    public static List<string> Validate(string folder)
    {
        var problems = new List<string>();
        var composePath = Path.Combine(folder, "docker-compose.yaml");
        var root = Load(composePath);
        var services = Services(root).Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => kv.Value);
        var volumes = Map(root, "volumes")?.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet() ?? [];
        var dotEnv = File.ReadAllLines(Path.Combine(folder, ".env"))
            .Where(l => l.Contains('=') && !l.TrimStart().StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);
        var hostPorts = new Dictionary<string, string>();

        foreach (var (name, service) in services)
        {
            var build = Map(service, "build");
            if (Scalar(service, "image") is null && build is null) problems.Add($"{name}: neither image nor build");
            if (build is not null) problems.AddRange(CheckBuild(name, folder, build));
            if (Map(service, "healthcheck") is not { } health || Sequence(health, "test").Count == 0) problems.Add($"{name}: no healthcheck");

            foreach (var dependency in Map(service, "depends_on")?.Children.Keys.Select(k => ((YamlScalarNode)k).Value!) ?? [])
                if (!services.ContainsKey(dependency)) problems.Add($"{name}: depends_on unknown service '{dependency}'");
                else if (Scalar(Map(Map(service, "depends_on")!, dependency)!, "condition") == "service_healthy" && Map(services[dependency], "healthcheck") is null)
                    problems.Add($"{name}: waits for {dependency} to be healthy, which has no healthcheck");

            foreach (var mount in Sequence(service, "volumes"))
            {
                var source = mount.Split(':')[0];
                if (!source.StartsWith('.') && !source.StartsWith('/') && !volumes.Contains(source)) problems.Add($"{name}: volume '{source}' not declared");
            }

            foreach (var mapping in Sequence(service, "ports"))
            {
                var host = mapping.Split(':')[0];
                if (!hostPorts.TryAdd(host, name)) problems.Add($"{name}: host port {host} also published by {hostPorts[host]}");
            }

            foreach (var (variable, value) in Environment(service))
            {
                problems.AddRange(CheckInterpolation(value, dotEnv).Select(p => $"{name} {variable}: {p}"));
                if (AddressVariables.ServiceDiscovery().IsMatch(variable)) problems.AddRange(CheckUrl(name, variable, value, services));
                if (AddressVariables.ConnectionString().IsMatch(variable)) problems.AddRange(CheckHostPort(name, variable, value, services));
            }
        }
        return problems;
    }

    private static IEnumerable<string> CheckBuild(string name, string folder, YamlMappingNode build)
    {
        var context = Path.GetFullPath(Path.Combine(folder, Scalar(build, "context") ?? "."));
        if (!Directory.Exists(context))
        {
            yield return $"{name}: build context {context} does not exist";
            yield break;
        }
        var dockerfile = Path.GetFullPath(Path.Combine(context, Scalar(build, "dockerfile") ?? "Dockerfile"));
        if (!File.Exists(dockerfile))
        {
            yield return $"{name}: Dockerfile {dockerfile} does not exist";
            yield break;
        }
        var text = File.ReadAllText(dockerfile);
        var publish = DotnetPublish().Match(text);
        if (!publish.Success) yield return $"{name}: the Dockerfile publishes no project";
        else if (!File.Exists(Path.Combine(context, publish.Groups["project"].Value)))
            yield return $"{name}: the Dockerfile publishes {publish.Groups["project"].Value}, which is not in the build context";
        if (!text.Contains("ENTRYPOINT [\"dotnet\", \"", StringComparison.Ordinal)) yield return $"{name}: the Dockerfile has no dotnet ENTRYPOINT";
    }

    /// <summary>${VAR} and ${VAR:-default} must be defined in .env or have a default; a literal $ is $$.</summary>
    public static IEnumerable<string> CheckInterpolation(string value, IReadOnlyDictionary<string, string> dotEnv)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$') continue;
            if (i + 1 < value.Length && value[i + 1] == '$') { i++; continue; }
            var match = Interpolation().Match(value, i);
            if (!match.Success || match.Index != i)
            {
                yield return $"'$' at {i} is neither $$ nor ${{VARIABLE}} in '{value}'";
                continue;
            }
            if (!match.Groups["default"].Success && !dotEnv.ContainsKey(match.Groups["name"].Value))
                yield return $"${{{match.Groups["name"].Value}}} is not defined in .env";
            i += match.Length - 1;
        }
    }

    /// <summary>A service discovery entry: the URL of a service of this file, on the port it listens on.</summary>
    private static IEnumerable<string> CheckUrl(string name, string variable, string value, Dictionary<string, YamlNode> services)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url)) yield return $"{name} {variable}: '{value}' is not a URL";
        else if (!services.TryGetValue(url.Host, out var target)) yield return $"{name} {variable}: '{value}' names no service";
        else if (ListenPort(target) is { } port && port != url.Port)
            yield return $"{name} {variable}: port {url.Port}, but {url.Host} listens on {port}";
    }

    /// <summary>A connection string (<c>host:port[,options]</c>) to a service of this file.</summary>
    private static IEnumerable<string> CheckHostPort(string name, string variable, string value, Dictionary<string, YamlNode> services)
    {
        var parts = value.Split(',')[0].Split(':');
        if (parts.Length != 2 || !services.ContainsKey(parts[0]) || !int.TryParse(parts[1], out _))
            yield return $"{name} {variable}: '{value}' is not host:port of a service";
    }

    /// <summary>The port a project service listens on (HTTP_PORTS, or ASPNETCORE_URLS), if it says.</summary>
    private static int? ListenPort(YamlNode service)
    {
        var environment = Environment(service);
        if (environment.TryGetValue("HTTP_PORTS", out var ports) && int.TryParse(ports.Split(';')[0], out var port)) return port;
        return environment.TryGetValue("ASPNETCORE_URLS", out var urls) && ListenUrl().Match(urls) is { Success: true } m
            ? int.Parse(m.Groups["port"].Value) : null;
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<default>:?-[^}]*)?\}")]
    private static partial Regex Interpolation();

    [GeneratedRegex("RUN dotnet publish \"(?<project>[^\"]+)\"")]
    private static partial Regex DotnetPublish();

    [GeneratedRegex(@":(?<port>\d+)$")]
    private static partial Regex ListenUrl();
}
