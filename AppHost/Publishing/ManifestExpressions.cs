using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AppHost.Publishing;

/// <summary>
/// Resolves the expressions of an Aspire manifest (<c>{gateway.bindings.http.url}</c>, <c>{redis.connectionString}</c>,
/// <c>{gateway-admin-key.value}</c>) into compose values: services reach each other by service name on the port their
/// container listens on, and parameters become variables of the .env file (<c>${GATEWAY_ADMIN_KEY}</c>).
/// </summary>
public sealed partial class ManifestExpressions(JsonObject resources)
{
    /// <summary>What a project's container listens on when its binding names no target port (ASP.NET's images).</summary>
    public const int ProjectContainerPort = 8080;

    /// <summary>Parameters referenced so far, by name (they go to the .env file).</summary>
    public HashSet<string> UsedParameters { get; } = [];

    /// <summary>The compose variable of a parameter: gateway-admin-key → GATEWAY_ADMIN_KEY.</summary>
    public static string VariableName(string parameter) => parameter.ToUpperInvariant().Replace('-', '_');

    /// <summary>A manifest string with its expressions resolved; literal <c>$</c> is doubled (compose interpolates it).</summary>
    public string Resolve(string value)
    {
        var result = new System.Text.StringBuilder();
        var last = 0;
        foreach (Match match in Expression().Matches(value))
        {
            result.Append(value[last..match.Index].Replace("$", "$$", StringComparison.Ordinal));
            result.Append(Reference(match.Groups[1].Value));
            last = match.Index + match.Length;
        }
        return result.Append(value[last..].Replace("$", "$$", StringComparison.Ordinal)).ToString();
    }

    public int TargetPort(string resource, JsonNode binding) =>
        binding["targetPort"]?.GetValue<int>() ?? (IsProject(resource) ? ProjectContainerPort
            : throw new InvalidDataException($"The binding of {resource} names no target port."));

    private string Reference(string path)
    {
        var parts = path.Split('.');
        var resource = resources[parts[0]] ?? throw new InvalidDataException($"The manifest references an unknown resource in {{{path}}}.");
        var type = resource["type"]?.GetValue<string>();
        switch (parts[1..])
        {
            case ["value"] or ["inputs", "value"] when type == "parameter.v0":
                UsedParameters.Add(parts[0]);
                return $"${{{VariableName(parts[0])}}}";
            case ["value"]:
                // annotated.string (e.g. a uri-encoded password): the value itself; generated secrets are alphanumeric.
                return Resolve(Text(resource, "value", path));
            case ["connectionString"]:
                return Resolve(Text(resource, "connectionString", path));
            case ["bindings", var name, var property]:
                var binding = resource["bindings"]?[name] ?? throw new InvalidDataException($"{parts[0]} has no binding '{name}' ({{{path}}}).");
                var port = TargetPort(parts[0], binding);
                return property switch
                {
                    "url" => $"{binding["scheme"]?.GetValue<string>() ?? "http"}://{parts[0]}:{port}",
                    "host" => parts[0],
                    "port" or "targetPort" => port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "scheme" => binding["scheme"]?.GetValue<string>() ?? "http",
                    _ => throw new NotSupportedException($"Binding property '{property}' in {{{path}}}."),
                };
            default:
                throw new NotSupportedException($"Manifest expression {{{path}}} (resource type {type}).");
        }
    }

    private bool IsProject(string resource) => resources[resource]?["type"]?.GetValue<string>()?.StartsWith("project.", StringComparison.Ordinal) == true;

    private static string Text(JsonNode resource, string property, string path) =>
        resource[property]?.GetValue<string>() ?? throw new InvalidDataException($"{{{path}}}: the resource has no {property}.");

    [GeneratedRegex(@"\{([A-Za-z0-9_.\-]+)\}")]
    private static partial Regex Expression();
}
