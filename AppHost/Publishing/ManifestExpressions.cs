using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AppHost.Publishing;

/// <summary>
/// Resolves the expressions of an Aspire manifest (<c>{gateway.bindings.http.url}</c>, <c>{redis.connectionString}</c>,
/// <c>{gateway-admin-key.value}</c>) into a deployment's values, spelt by its <see cref="ServiceAddressing"/>: compose
/// (<c>http://gateway:8080</c>, <c>${GATEWAY_ADMIN_KEY}</c>) or Kubernetes (<c>$(GATEWAY_ADMIN_KEY)</c>). A literal
/// <c>$</c> is doubled: compose's interpolation and Kubernetes' <c>$(VAR)</c> expansion both read <c>$$</c> as <c>$</c>.
/// </summary>
public sealed partial class ManifestExpressions(JsonObject resources, ServiceAddressing addressing)
{
    /// <summary>What a project's container listens on when its binding names no target port (ASP.NET's images).</summary>
    public const int ProjectContainerPort = 8080;

    /// <summary>Parameters referenced so far, by name (compose's .env, the chart's Secret).</summary>
    public HashSet<string> UsedParameters { get; } = [];

    /// <summary>A manifest string with its expressions resolved; the parameters it references are added to
    /// <paramref name="parameters"/> too, when given.</summary>
    public string Resolve(string value, ISet<string>? parameters = null)
    {
        var result = new StringBuilder();
        var last = 0;
        foreach (Match match in Expression().Matches(value))
        {
            result.Append(value[last..match.Index].Replace("$", "$$", StringComparison.Ordinal));
            result.Append(Reference(match.Groups[1].Value, parameters));
            last = match.Index + match.Length;
        }
        return result.Append(value[last..].Replace("$", "$$", StringComparison.Ordinal)).ToString();
    }

    /// <summary>The parameter a value is exactly (<c>{gateway-admin-key.value}</c>), else null.</summary>
    public string? WholeParameter(string value) =>
        Expression().Match(value) is { Success: true } match && match.Length == value.Length
        && match.Groups[1].Value.Split('.') is [var name, "value"] && IsParameter(name) ? name : null;

    /// <summary>The resources a value's expressions name directly (<c>{redis.bindings.tcp.host}</c> → redis).</summary>
    public static IEnumerable<string> ReferencedResources(string value) =>
        Expression().Matches(value).Select(m => m.Groups[1].Value.Split('.')[0]).Distinct();

    public int TargetPort(string resource, JsonNode binding) =>
        binding["targetPort"]?.GetValue<int>() ?? (IsProject(resource) ? ProjectContainerPort
            : throw new InvalidDataException($"The binding of {resource} names no target port."));

    private string Reference(string path, ISet<string>? parameters)
    {
        var parts = path.Split('.');
        var resource = resources[parts[0]] ?? throw new InvalidDataException($"The manifest references an unknown resource in {{{path}}}.");
        var type = resource["type"]?.GetValue<string>();
        switch (parts[1..])
        {
            case ["value"] or ["inputs", "value"] when IsParameter(parts[0]):
                UsedParameters.Add(parts[0]);
                parameters?.Add(parts[0]);
                return addressing.Parameter(ManifestParameter.From(parts[0], resource));
            case ["value"]:
                // annotated.string (e.g. a uri-encoded password): the value itself; generated secrets are alphanumeric.
                return Resolve(Text(resource, "value", path), parameters);
            case ["connectionString"]:
                return Resolve(Text(resource, "connectionString", path), parameters);
            case ["bindings", var name, var property]:
                var binding = resource["bindings"]?[name] ?? throw new InvalidDataException($"{parts[0]} has no binding '{name}' ({{{path}}}).");
                var targetPort = TargetPort(parts[0], binding);
                var port = addressing.Port(binding, targetPort).ToString(CultureInfo.InvariantCulture);
                return property switch
                {
                    "url" => $"{Scheme(binding)}://{addressing.Host(parts[0])}:{port}",
                    "host" => addressing.Host(parts[0]),
                    "port" => port,
                    "targetPort" => targetPort.ToString(CultureInfo.InvariantCulture),
                    "scheme" => Scheme(binding),
                    _ => throw new NotSupportedException($"Binding property '{property}' in {{{path}}}."),
                };
            default:
                throw new NotSupportedException($"Manifest expression {{{path}}} (resource type {type}).");
        }
    }

    public static string Scheme(JsonNode binding) => binding["scheme"]?.GetValue<string>() ?? "http";

    private bool IsParameter(string resource) => resources[resource]?["type"]?.GetValue<string>() == "parameter.v0";

    private bool IsProject(string resource) => resources[resource]?["type"]?.GetValue<string>()?.StartsWith("project.", StringComparison.Ordinal) == true;

    private static string Text(JsonNode resource, string property, string path) =>
        resource[property]?.GetValue<string>() ?? throw new InvalidDataException($"{{{path}}}: the resource has no {property}.");

    [GeneratedRegex(@"\{([A-Za-z0-9_.\-]+)\}")]
    private static partial Regex Expression();
}
