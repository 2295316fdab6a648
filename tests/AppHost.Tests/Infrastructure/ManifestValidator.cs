using System.Text.Json;
using System.Text.RegularExpressions;

namespace AppHost.Tests.Infrastructure;

/// <summary>
/// Checks an Aspire manifest against the rules of its schema (https://json.schemastore.org/aspire-8.0.json)
/// for the resource types it uses, and that it is deployable: every expression is well-formed and resolves,
/// every project path exists, ports are unique. Returns the problems found.
/// </summary>
public static partial class ManifestValidator
{
    private static readonly Dictionary<string, (string[] Required, string[] Allowed)> Types = new()
    {
        ["parameter.v0"] = (["type", "value", "inputs"], ["type", "value", "inputs", "connectionString"]),
        ["container.v0"] = (["type", "image"], ["type", "image", "entrypoint", "args", "connectionString", "env", "bindings", "bindMounts", "volumes"]),
        ["project.v0"] = (["type", "path"], ["type", "path", "args", "env", "bindings"]),
        ["executable.v0"] = (["type", "command", "workingDirectory"], ["type", "command", "workingDirectory", "args", "env", "bindings"]),
        ["value.v0"] = (["type", "connectionString"], ["type", "connectionString"]),
    };

    private static readonly string[] BindingProperties = ["scheme", "protocol", "transport", "external", "targetPort", "port"];
    private static readonly string[] BindingValues = ["url", "host", "port", "targetPort", "scheme"];

    public static List<string> Validate(string manifestPath)
    {
        var problems = new List<string>();
        using var document = JsonDocument.Parse(File.ReadAllText(manifestPath));
        var root = document.RootElement;
        if (!root.TryGetProperty("resources", out var resources) || resources.ValueKind != JsonValueKind.Object)
            return ["no 'resources' object"];
        var directory = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var byName = resources.EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
        var publishedPorts = new Dictionary<int, string>();

        foreach (var (name, resource) in byName)
        {
            if (!ResourceName().IsMatch(name)) problems.Add($"{name}: not a valid resource name");
            var type = resource.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is null || !Types.TryGetValue(type, out var rules))
            {
                problems.Add($"{name}: unknown type '{type}'");
                continue;
            }
            var properties = resource.EnumerateObject().Select(p => p.Name).ToList();
            problems.AddRange(rules.Required.Except(properties).Select(p => $"{name}: required '{p}' missing"));
            problems.AddRange(properties.Except(rules.Allowed).Select(p => $"{name}: '{p}' is not allowed in {type}"));

            if (type == "project.v0")
            {
                var path = resource.GetProperty("path").GetString()!;
                if (Path.IsPathRooted(path)) problems.Add($"{name}: path '{path}' is not relative to the manifest");
                if (!path.EndsWith(".csproj", StringComparison.Ordinal) || !File.Exists(Path.GetFullPath(Path.Combine(directory, path))))
                    problems.Add($"{name}: project '{path}' does not exist relative to {directory}");
            }
            if (type == "container.v0" && !resource.GetProperty("image").GetString()!.Contains(':'))
                problems.Add($"{name}: image without a tag");
            if (type == "parameter.v0")
            {
                if (resource.GetProperty("value").GetString() != $"{{{name}.inputs.value}}") problems.Add($"{name}: value is not its input");
                foreach (var input in resource.GetProperty("inputs").EnumerateObject())
                    if (!input.Value.TryGetProperty("type", out var inputType) || inputType.GetString() != "string")
                        problems.Add($"{name}: input {input.Name} is not of type string");
            }

            if (resource.TryGetProperty("bindings", out var bindings))
            {
                var targetPorts = new HashSet<int>();
                foreach (var binding in bindings.EnumerateObject())
                {
                    var b = binding.Value;
                    problems.AddRange(b.EnumerateObject().Select(p => p.Name).Except(BindingProperties).Select(p => $"{name}.{binding.Name}: '{p}' not allowed"));
                    Expect(b, "scheme", ["http", "https", "tcp", "udp"]);
                    Expect(b, "protocol", ["tcp", "udp"]);
                    Expect(b, "transport", ["http", "http2", "tcp"]);
                    if (b.TryGetProperty("targetPort", out var targetPort) && !targetPorts.Add(targetPort.GetInt32()))
                        problems.Add($"{name}.{binding.Name}: targetPort {targetPort} used twice in the resource");
                    if (b.TryGetProperty("port", out var port) && !publishedPorts.TryAdd(port.GetInt32(), $"{name}.{binding.Name}"))
                        problems.Add($"{name}.{binding.Name}: port {port} also used by {publishedPorts[port.GetInt32()]}");

                    void Expect(JsonElement element, string property, string[] allowed)
                    {
                        if (!element.TryGetProperty(property, out var value) || !allowed.Contains(value.GetString()))
                            problems.Add($"{name}.{binding.Name}: {property} must be one of {string.Join('|', allowed)}");
                    }
                }
            }

            var texts = new List<(string Where, string Text)>();
            if (resource.TryGetProperty("env", out var env))
                foreach (var variable in env.EnumerateObject())
                {
                    if (variable.Value.ValueKind != JsonValueKind.String) problems.Add($"{name}: env {variable.Name} is not a string");
                    else texts.Add(($"env {variable.Name}", variable.Value.GetString()!));
                }
            if (resource.TryGetProperty("connectionString", out var connectionString)) texts.Add(("connectionString", connectionString.GetString()!));
            if (resource.TryGetProperty("value", out var value)) texts.Add(("value", value.GetString()!));
            if (resource.TryGetProperty("args", out var args)) texts.AddRange(args.EnumerateArray().Select(a => ("args", a.GetString()!)));
            foreach (var (where, text) in texts)
                problems.AddRange(CheckExpressions(text, byName).Select(p => $"{name} {where}: {p}"));
        }
        return problems;
    }

    /// <summary>The expressions of a value: every <c>{...}</c> (a deployment tool resolves each one).</summary>
    public static List<string> Expressions(string text, out string? error)
    {
        var expressions = new List<string>();
        error = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '}') { error = $"unmatched '}}' at {i} in '{text}'"; return expressions; }
            if (text[i] != '{') continue;
            var end = text.IndexOfAny(['{', '}'], i + 1);
            if (end < 0 || text[end] == '{') { error = $"unclosed '{{' at {i} in '{text}'"; return expressions; }
            expressions.Add(text[(i + 1)..end]);
            i = end;
        }
        return expressions;
    }

    private static IEnumerable<string> CheckExpressions(string text, Dictionary<string, JsonElement> resources)
    {
        var expressions = Expressions(text, out var error);
        if (error is not null) yield return error;
        foreach (var expression in expressions)
        {
            var parts = expression.Split('.');
            if (parts.Length < 2 || !resources.TryGetValue(parts[0], out var target))
            {
                yield return $"'{{{expression}}}' names no resource";
                continue;
            }
            var ok = parts[1..] switch
            {
                ["connectionString"] => target.TryGetProperty("connectionString", out _),
                ["value"] => target.TryGetProperty("value", out _),
                ["inputs", var input] => target.TryGetProperty("inputs", out var inputs) && inputs.TryGetProperty(input, out _),
                ["bindings", var binding, var property] => target.TryGetProperty("bindings", out var bindings)
                    && bindings.TryGetProperty(binding, out _) && BindingValues.Contains(property),
                _ => false,
            };
            if (!ok) yield return $"'{{{expression}}}' does not resolve";
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex ResourceName();
}
