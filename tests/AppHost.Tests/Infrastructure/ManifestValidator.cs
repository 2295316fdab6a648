using System.Text.Json;
using Json.Schema;

namespace AppHost.Tests.Infrastructure;

/// <summary>
/// Checks an Aspire manifest against Aspire's own schema (Schema/aspire-8.0.json, from the Aspire repository) and that it
/// is deployable: every expression is well-formed and resolves, every project path exists, published ports are unique.
/// Returns the problems found.
/// </summary>
public static class ManifestValidator
{
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "Schema", "aspire-8.0.json"));

    private static readonly string[] BindingValues = ["url", "host", "port", "targetPort", "scheme"];

    public static List<string> Validate(string manifestPath)
    {
        var problems = new List<string>();
        using var document = JsonDocument.Parse(File.ReadAllText(manifestPath));
        var root = document.RootElement;
        var evaluation = Schema.Evaluate(root, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!evaluation.IsValid)
            problems.AddRange((evaluation.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"schema: {d.InstanceLocation}: {e.Key}: {e.Value}")));
        if (!root.TryGetProperty("resources", out var resources) || resources.ValueKind != JsonValueKind.Object)
            return [.. problems, "no 'resources' object"];
        var directory = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var byName = resources.EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
        var publishedPorts = new Dictionary<int, string>();

        foreach (var (name, resource) in byName)
        {
            var type = resource.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type == "project.v0")
            {
                var path = resource.GetProperty("path").GetString()!;
                if (Path.IsPathRooted(path)) problems.Add($"{name}: path '{path}' is not relative to the manifest");
                if (!path.EndsWith(".csproj", StringComparison.Ordinal) || !File.Exists(Path.GetFullPath(Path.Combine(directory, path))))
                    problems.Add($"{name}: project '{path}' does not exist relative to {directory}");
            }
            if (type == "container.v0" && !resource.GetProperty("image").GetString()!.Contains(':'))
                problems.Add($"{name}: image without a tag");
            if (resource.TryGetProperty("bindings", out var bindings))
                foreach (var binding in bindings.EnumerateObject())
                    if (binding.Value.TryGetProperty("port", out var port) && !publishedPorts.TryAdd(port.GetInt32(), $"{name}.{binding.Name}"))
                        problems.Add($"{name}.{binding.Name}: port {port} also used by {publishedPorts[port.GetInt32()]}");

            var texts = new List<(string Where, string Text)>();
            if (resource.TryGetProperty("env", out var env))
                foreach (var variable in env.EnumerateObject())
                {
                    if (variable.Value.ValueKind == JsonValueKind.String) texts.Add(($"env {variable.Name}", variable.Value.GetString()!));
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
}
