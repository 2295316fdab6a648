using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engine.StructuredOutput.Json;

/// <summary>
/// allOf as one schema: the parts' keywords merged where the result is exact (types intersected, required and
/// properties united, a property in several parts becomes the allOf of its schemas, bounds tightened, enums
/// intersected, equal values kept). Parts that disagree in a way one schema cannot say (two patterns,
/// different items, additionalProperties next to another part's properties) are refused.
/// </summary>
internal static class SchemaMerge
{
    private static readonly HashSet<string> Largest = ["minLength", "minItems"];
    private static readonly HashSet<string> Smallest = ["maxLength", "maxItems"];

    /// <summary>The schema's own keywords and its allOf parts, merged (the result has no allOf).</summary>
    public static JsonElement MergeAllOf(JsonElement schema, Func<string, JsonElement> resolve, string path)
    {
        var own = new JsonObject();
        foreach (var property in schema.EnumerateObject())
            if (property.Name != "allOf") own[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        var parts = schema.GetProperty("allOf");
        if (parts.ValueKind != JsonValueKind.Array || parts.GetArrayLength() == 0)
            throw new GrammarException($"At {path}: 'allOf' must be a non-empty list of schemas.");
        return Merge([JsonSerializer.SerializeToElement(own), .. parts.EnumerateArray()], resolve, path);
    }

    public static JsonElement Merge(IReadOnlyList<JsonElement> parts, Func<string, JsonElement> resolve, string path)
    {
        var merged = new JsonObject();
        var objectParts = 0;
        bool restrictsProperties = false;
        foreach (var part in Flatten(parts, resolve, path))
        {
            if (part.ValueKind == JsonValueKind.False) return part;
            if (part.ValueKind != JsonValueKind.Object) continue;   // true
            if (part.EnumerateObject().Any(p => SchemaKeywords.ObjectKeywords.Contains(p.Name))) objectParts++;
            restrictsProperties |= part.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind != JsonValueKind.True;
            foreach (var property in part.EnumerateObject())
            {
                if (SchemaKeywords.Inert.Contains(property.Name)) continue;
                var value = JsonNode.Parse(property.Value.GetRawText());
                merged[property.Name] = merged.TryGetPropertyValue(property.Name, out var existing) ? Combine(property.Name, existing, value, path) : value;
            }
        }
        if (restrictsProperties && objectParts > 1)
            throw new GrammarException($"At {path}: 'additionalProperties' in an allOf part next to other parts with object keywords is not supported (put the properties in one schema).");
        return JsonSerializer.SerializeToElement(merged);
    }

    /// <summary>The parts with nested allOf expanded and a part that is only a $ref replaced by its target.</summary>
    private static IEnumerable<JsonElement> Flatten(IEnumerable<JsonElement> parts, Func<string, JsonElement> resolve, string path)
    {
        foreach (var part in parts)
        {
            var current = part;
            for (int hops = 0; current.ValueKind == JsonValueKind.Object && current.TryGetProperty("$ref", out var reference); hops++)
            {
                if (hops > 64 || reference.ValueKind != JsonValueKind.String) throw new GrammarException($"At {path}: an allOf part's '$ref' does not lead to a schema.");
                if (current.EnumerateObject().Any(p => p.Name != "$ref" && !SchemaKeywords.Inert.Contains(p.Name)))
                    throw new GrammarException($"At {path}: '$ref' next to other keywords inside allOf is not supported.");
                current = resolve(reference.GetString()!);
            }
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty("allOf", out _))
            {
                foreach (var inner in Flatten([MergeAllOf(current, resolve, path)], resolve, path)) yield return inner;
            }
            else yield return current;
        }
    }

    private static JsonNode? Combine(string keyword, JsonNode? a, JsonNode? b, string path)
    {
        if (JsonNode.DeepEquals(a, b)) return a?.DeepClone();
        if (a is null || b is null) throw new GrammarException($"At {path}: allOf parts with different '{keyword}' are not supported.");
        try
        {
            return CombineValues(keyword, a, b, path);
        }
        catch (InvalidOperationException)
        {
            throw new GrammarException($"At {path}: '{keyword}' has a value of the wrong type.");
        }
    }

    private static JsonNode CombineValues(string keyword, JsonNode a, JsonNode b, string path)
    {
        switch (keyword)
        {
            case "type":
                var types = TypeSet(a).Intersect(TypeSet(b)).ToList();
                if (TypeSet(a).Contains("number") && TypeSet(b).Contains("integer") || TypeSet(b).Contains("number") && TypeSet(a).Contains("integer"))
                    types.Add("integer");
                return new JsonArray([.. types.Distinct().Select(t => (JsonNode)t)]);
            case "required":
                return new JsonArray([.. a.AsArray().Concat(b.AsArray()).Select(n => n!.GetValue<string>()).Distinct().Select(n => (JsonNode)n)]);
            case "properties":
                var properties = a.AsObject().DeepClone().AsObject();
                foreach (var (name, schema) in b.AsObject())
                    properties[name] = properties[name] is { } mine ? new JsonObject { ["allOf"] = new JsonArray(mine.DeepClone(), schema!.DeepClone()) } : schema!.DeepClone();
                return properties;
            case "enum":
                return new JsonArray([.. a.AsArray().Where(x => b.AsArray().Any(y => JsonNode.DeepEquals(x, y))).Select(x => x!.DeepClone())]);
            case "minimum" or "exclusiveMinimum":
                return (Compare(a, b, path) >= 0 ? a : b).DeepClone();
            case "maximum" or "exclusiveMaximum":
                return (Compare(a, b, path) <= 0 ? a : b).DeepClone();
            case var k when Largest.Contains(k):
                return a.GetValue<double>() >= b.GetValue<double>() ? a.DeepClone() : b.DeepClone();
            case var k when Smallest.Contains(k):
                return a.GetValue<double>() <= b.GetValue<double>() ? a.DeepClone() : b.DeepClone();
            default:
                throw new GrammarException($"At {path}: allOf parts with different '{keyword}' are not supported.");
        }
    }

    private static HashSet<string> TypeSet(JsonNode type) => type is JsonArray list
        ? [.. list.Select(t => t!.GetValue<string>())]
        : [type.GetValue<string>()];

    /// <summary>Compares two JSON numbers exactly (by their decimal digits).</summary>
    private static int Compare(JsonNode a, JsonNode b, string path)
    {
        DecimalBound Read(JsonNode n) => n.GetValueKind() == JsonValueKind.Number
            ? DecimalBound.Parse(JsonSerializer.SerializeToElement(n), false) ?? throw new GrammarException($"At {path}: a bound is out of range.")
            : throw new GrammarException($"At {path}: bounds must be numbers.");
        return Read(a).CompareTo(Read(b));
    }
}
