using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Tests.Shared;

/// <summary>
/// OpenAI's own API description (testdata/openai-openapi/openapi.json) as JSON schemas: a component schema (e.g.
/// "Response", "ResponseStreamEvent") with every other component beside it under $defs, checked with JsonSchema.Net.
/// </summary>
public static class OpenAiSchema
{
    private static readonly Lazy<string> Components = new(() =>
    {
        var document = JsonNode.Parse(File.ReadAllText(TestData.Path("openai-openapi", "openapi.json")))!;
        var schemas = document["components"]!["schemas"]!;
        ToDraft2020(schemas);
        return schemas.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal);
    });

    /// <summary>The description is OpenAPI 3.1 with a few OpenAPI 3.0 leftovers: boolean exclusiveMinimum (beside minimum)
    /// and nullable: true (beside a type), written here as JSON Schema 2020-12 says them.</summary>
    private static void ToDraft2020(JsonNode? node)
    {
        if (node is JsonArray array)
            foreach (var item in array) ToDraft2020(item);
        if (node is not JsonObject schema) return;
        if (schema["exclusiveMinimum"] is JsonValue { } exclusive && exclusive.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            schema.Remove("exclusiveMinimum");
            if (exclusive.GetValueKind() == JsonValueKind.True && schema["minimum"] is { } minimum)
            {
                schema.Remove("minimum");
                schema["exclusiveMinimum"] = minimum;
            }
        }
        if (schema["nullable"] is JsonValue nullable && nullable.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            schema.Remove("nullable");
            if (nullable.GetValueKind() == JsonValueKind.True && schema["type"] is JsonValue type) schema["type"] = new JsonArray(type.GetValue<string>(), "null");
        }
        foreach (var (_, value) in schema.ToList()) ToDraft2020(value);
    }

    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new();

    /// <summary>What is wrong with <paramref name="instance"/> as a <paramref name="component"/>; empty when it is valid.</summary>
    public static IReadOnlyList<string> Problems(string component, JsonElement instance)
    {
        var schema = Schemas.GetOrAdd(component, name => JsonSchema.FromText(
            $$"""{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://openai.test/{{name}}","$ref":"#/$defs/{{name}}","$defs":{{Components.Value}}}"""));
        var evaluation = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (evaluation.IsValid) return [];
        return (evaluation.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}")).ToList();
    }

    /// <summary>Fails the test, listing the problems, unless <paramref name="instance"/> is a valid <paramref name="component"/>.</summary>
    public static void AssertValid(string component, JsonElement instance)
    {
        var problems = Problems(component, instance);
        Assert.True(problems.Count == 0, $"Not a valid {component}: {instance.GetRawText()}\n" + string.Join("\n", problems.Take(20)));
    }
}
