using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Tests.Shared;

/// <summary>
/// OpenAI's published OpenAPI 3.1 specification (../shared/testdata/openai-openapi) as the reference for what our servers
/// answer: validates a JSON value against one of its <c>components.schemas</c> (by name, e.g. "CreateCompletionResponse")
/// with JsonSchema.Net, which resolves the <c>$ref</c>s. Stricter than the schemas alone, which allow any extra property:
/// every property of every object must be one the specification defines there, or one of <see cref="OpenAiExtensions"/>.
/// </summary>
public static class OpenAiSchema
{
    private const string ComponentsRef = "#/components/schemas/";
    private static readonly Uri Base = new("https://openai-openapi.test/components");
    private static readonly Lazy<BuildOptions> Definitions = new(Build);
    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new();

    /// <summary>What is wrong with <paramref name="value"/> as a <paramref name="schemaName"/>: the schema's errors, or else the
    /// properties neither the schema nor an allowed extension defines. Empty when it conforms.</summary>
    public static IReadOnlyList<string> Problems(string schemaName, JsonElement value)
    {
        var schema = Schemas.GetOrAdd(schemaName, name => JsonSchema.Build(
            JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["$ref"] = $"{Base}#/$defs/{name}" }), Definitions.Value));
        var result = schema.Evaluate(value, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        var problems = new List<string>();
        if (!result.IsValid)
        {
            Errors(result, problems);
            return problems;
        }
        var known = new Dictionary<string, HashSet<string>?>();
        EvaluatedProperties(result, known);
        UnknownProperties(value, "", known, problems);
        return problems;
    }

    /// <summary>Fails with every problem listed (and the value) unless <paramref name="value"/> conforms to <paramref name="schemaName"/>.</summary>
    public static void AssertValid(string schemaName, JsonElement value, string? what = null)
    {
        var problems = Problems(schemaName, value);
        Assert.True(problems.Count == 0,
            $"{what ?? "the value"} is not a valid {schemaName} (OpenAI's spec):\n  {string.Join("\n  ", problems)}\n{value.GetRawText()}");
    }

    /// <summary>The errors that decided the verdict: those of failing nodes under failing nodes (an anyOf that passed has
    /// failing branches too; they do not count).</summary>
    private static void Errors(EvaluationResults node, List<string> problems)
    {
        foreach (var (keyword, message) in node.Errors ?? []) problems.Add($"{Location(node.InstanceLocation.ToString())}: {keyword}: {message}");
        foreach (var child in node.Details ?? [])
            if (!child.IsValid) Errors(child, problems);
    }

    /// <summary>For each object location, the property names some passing subschema defined (null: any name, as
    /// additionalProperties says). JsonSchema.Net keeps the annotations of passing nodes only.</summary>
    private static void EvaluatedProperties(EvaluationResults node, Dictionary<string, HashSet<string>?> known)
    {
        var location = node.InstanceLocation.ToString();
        foreach (var (keyword, annotation) in node.Annotations ?? [])
        {
            if (keyword is not ("properties" or "patternProperties" or "additionalProperties" or "unevaluatedProperties")) continue;
            if (annotation.ValueKind != JsonValueKind.Array) known[location] = null;   // every property was evaluated
            else if (known.GetValueOrDefault(location, []) is { } names)
            {
                names.UnionWith(annotation.EnumerateArray().Select(e => e.GetString()!));
                known[location] = names;
            }
        }
        foreach (var child in node.Details ?? [])
            if (child.IsValid) EvaluatedProperties(child, known);
    }

    private static void UnknownProperties(JsonElement value, string location, Dictionary<string, HashSet<string>?> known, List<string> problems)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in value.EnumerateArray()) UnknownProperties(item, $"{location}/{i++}", known, problems);
        }
        if (value.ValueKind != JsonValueKind.Object) return;
        // No annotation here: no properties keyword applied to this object (a free-form map such as a tool's parameters).
        var names = known.TryGetValue(location, out var evaluated) ? evaluated : null;
        foreach (var property in value.EnumerateObject())
        {
            var path = $"{location}/{property.Name.Replace("~", "~0").Replace("/", "~1")}";
            if (names is not null && !names.Contains(property.Name))
                problems.Add($"{Location(path)}: not in OpenAI's schema (nor an allowed extension, {nameof(OpenAiExtensions)})");
            else UnknownProperties(property.Value, path, known, problems);
        }
    }

    private static string Location(string pointer) => pointer.Length == 0 ? "(root)" : pointer;

    /// <summary>Every schema of the specification, with our extensions, as one registered JSON Schema 2020-12 document.</summary>
    private static BuildOptions Build()
    {
        var spec = JsonNode.Parse(File.ReadAllText(TestData.Path("openai-openapi", "openapi.json")))!;
        var schemas = spec["components"]!["schemas"]!.AsObject();
        OpenAiExtensions.ApplyTo(schemas);
        var definitions = new JsonObject();
        foreach (var (name, schema) in schemas) definitions[name] = ToJsonSchema(schema!.DeepClone());
        var document = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = Base.ToString(),
            ["$defs"] = definitions,
        };
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        JsonSchema.Build(JsonSerializer.SerializeToElement(document), options, Base);
        return options;
    }

    /// <summary>
    /// The OpenAPI schema as plain JSON Schema 2020-12: references into <c>$defs</c>; what OpenAPI 3.0 wrote differently and
    /// this document still has in places — <c>nullable: true</c> ("or null") and boolean <c>exclusiveMinimum</c>/<c>Maximum</c>
    /// (the bound is exclusive) — rewritten; examples, descriptions and <c>x-</c> vendor keywords dropped (annotations only).
    /// Rewrites in place; a nullable schema comes back as a new node that the caller puts in its place.
    /// </summary>
    private static JsonNode? ToJsonSchema(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
                if (ToJsonSchema(array[i]) is var item && !ReferenceEquals(item, array[i])) array[i] = item;
            return array;
        }
        if (node is not JsonObject schema) return node;
        foreach (var key in schema.Select(p => p.Key).ToList())
        {
            if (key.StartsWith("x-", StringComparison.Ordinal) || key is "example" or "examples" or "description" or "default") schema.Remove(key);
            else if (key is "properties" or "patternProperties" or "$defs" && schema[key] is JsonObject map)
            {
                // A map of names to schemas: the names (a property may be called "description") stay, the schemas are rewritten.
                foreach (var name in map.Select(p => p.Key).ToList())
                    if (ToJsonSchema(map[name]) is var child && !ReferenceEquals(child, map[name])) map[name] = child;
            }
            else if (key is not ("enum" or "const") && ToJsonSchema(schema[key]) is var value && !ReferenceEquals(value, schema[key])) schema[key] = value;
        }
        if (schema["$ref"] is JsonValue reference && reference.GetValue<string>() is var target && target.StartsWith(ComponentsRef, StringComparison.Ordinal))
            schema["$ref"] = "#/$defs/" + target[ComponentsRef.Length..];
        foreach (var (exclusive, bound) in new[] { ("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum") })
        {
            if (schema[exclusive] is not JsonValue flag || flag.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) continue;
            schema.Remove(exclusive);
            if (flag.GetValue<bool>() && schema[bound] is { } value)
            {
                schema.Remove(bound);
                schema[exclusive] = value;
            }
        }
        if (schema["nullable"] is JsonValue nullable && nullable.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            schema.Remove("nullable");
            if (nullable.GetValue<bool>()) return new JsonObject { ["anyOf"] = new JsonArray(schema.DeepClone(), new JsonObject { ["type"] = "null" }) };
        }
        return schema;
    }
}
