using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tests.Shared;

/// <summary>
/// Tools for tool_choice "required" / a named function (strings with bounds and patterns, an enum, a nested object, an
/// integer range, a tool without parameters), and the independent check of a forced call: its function is one of
/// them and its arguments validate under that tool's parameters schema (JsonSchema.Net, formats asserted).
/// </summary>
public static class ForcedToolCalls
{
    /// <summary>Function name → parameters schema (null: the tool takes none).</summary>
    public static readonly IReadOnlyDictionary<string, string?> Parameters = new Dictionary<string, string?>
    {
        ["get_weather"] = """
            {"type":"object","properties":{"city":{"type":"string","minLength":1,"maxLength":20},"unit":{"enum":["celsius","fahrenheit"]}},
             "required":["city","unit"],"additionalProperties":false}
            """,
        ["book_table"] = """
            {"type":"object","properties":{"guests":{"type":"integer","minimum":1,"maximum":12},"time":{"type":"string","pattern":"^[0-2][0-9]:[0-5][0-9]$"},
             "contact":{"type":"object","properties":{"name":{"type":"string","maxLength":16},"email":{"type":"string","format":"email"}},"required":["name"],"additionalProperties":false}},
             "required":["guests","time","contact"],"additionalProperties":false}
            """,
        ["ping"] = null,
    };

    /// <summary>The tools in OpenAI's request shape.</summary>
    public static JsonArray Tools() => [.. Parameters.Select(p =>
    {
        var function = new JsonObject { ["name"] = p.Key, ["description"] = $"The {p.Key} tool" };
        if (p.Value is not null) function["parameters"] = JsonNode.Parse(p.Value);
        return (JsonNode)new JsonObject { ["type"] = "function", ["function"] = function };
    })];

    /// <summary>The tools in the Responses API's flat shape, strict (a forced call adheres to the schema).</summary>
    public static JsonArray ResponseTools() => [.. Parameters.Select(p => (JsonNode)new JsonObject
    {
        ["type"] = "function", ["name"] = p.Key, ["description"] = $"The {p.Key} tool",
        ["parameters"] = p.Value is null ? null : JsonNode.Parse(p.Value), ["strict"] = true,
    })];

    /// <summary>Null when the call names a tool and its arguments (a JSON string) are valid for it, else why not.</summary>
    public static string? CallErrors(string name, string arguments) => Parameters.TryGetValue(name, out var schema)
        ? StructuredOutputCases.JsonErrors(schema ?? StructuredOutputCases.AnyObjectSchema, arguments)
        : $"'{name}' is not a tool";

    /// <summary>The (name, arguments) of each call in an OpenAI chat message.</summary>
    public static IReadOnlyList<(string Name, string Arguments)> Calls(JsonElement message) =>
        message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array
            ? [.. calls.EnumerateArray().Select(c => (c.GetProperty("function").GetProperty("name").GetString()!, c.GetProperty("function").GetProperty("arguments").GetString()!))]
            : [];
}
