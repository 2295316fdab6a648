using System.Text.Json.Nodes;

namespace AppHost.Tests.Infrastructure;

/// <summary>
/// Checks rendered objects offline against the Kubernetes API schemas (the npm package kubernetes-models, KEDA's CRDs
/// from @kubernetes-models/keda) with Helm/validate-objects.js: types, required fields, and no field the schema lacks.
/// The YAML is read as Kubernetes reads it (YAML 1.1), and the objects come back as JSON for the chart's own rules.
/// </summary>
public static class KubernetesSchemas
{
    public static async Task<(IReadOnlyList<JsonObject> Objects, IReadOnlyList<string> Problems)> ValidateAsync(string renderedYaml)
    {
        using var folder = new TempDirectory();
        var rendered = Path.Combine(folder.Path, "rendered.yaml");
        var result = Path.Combine(folder.Path, "result.json");
        await File.WriteAllTextAsync(rendered, renderedYaml);
        var script = Path.Combine(AppContext.BaseDirectory, "Helm", "validate-objects.js");
        await using (var node = TestProcess.Start("node", "node", [script, rendered, NodePackages.PackageJson, result]))
        {
            Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(120)), node.Describe());
            Assert.True(node.ExitCode == 0, node.Describe());
        }
        var json = JsonNode.Parse(await File.ReadAllTextAsync(result))!;
        return ([.. json["objects"]!.AsArray().Select(o => o!.AsObject())], [.. json["problems"]!.AsArray().Select(p => p!.GetValue<string>())]);
    }
}
