using System.Text.Json.Nodes;

namespace Engine.Chat.Tools;

/// <summary>
/// How a model family writes tool calls, as text to generate: <c>CallsOpen (CallOpen call CallClose) (Separator CallOpen
/// call CallClose)* CallsClose</c>, where each call is the JSON object <c>{"name": NAME, ArgumentsKey: ARGUMENTS}</c> with
/// its keys in that order. A constraint (tool_choice "required" or a named function) builds its grammar from this and
/// from <see cref="CallSchema"/>; the family's parser reads the same text back into tool calls.
/// </summary>
public sealed record ToolCallFormat(string CallsOpen, string CallOpen, string ArgumentsKey, string CallClose, string Separator, string CallsClose)
{
    /// <summary>The JSON schema of one call to <paramref name="name"/> whose arguments follow <paramref name="parameters"/>
    /// (an empty object schema when the tool has none).</summary>
    public JsonObject CallSchema(string name, JsonNode? parameters) => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["name"] = new JsonObject { ["const"] = name },
            [ArgumentsKey] = parameters?.DeepClone() ?? new JsonObject { ["type"] = "object" },
        },
        ["required"] = new JsonArray("name", ArgumentsKey),
        ["additionalProperties"] = false,
    };
}
