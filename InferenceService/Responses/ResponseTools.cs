using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Chat.Tools;
using InferenceService.Api;
using InferenceService.Tools;

namespace InferenceService.Responses;

/// <summary>
/// A Responses request's tools (flat function tools: type, name, description, parameters, strict), tool_choice ("none",
/// "auto", "required" or {"type": "function", "name": ...}) and parallel_tool_calls, checked by the chat path's rules and
/// turned into its <see cref="ChatTools"/> (definitions in chat's shape, as chat templates read them). <see cref="Echo"/>
/// and <see cref="ChoiceEcho"/> are how the response object repeats them.
/// </summary>
public sealed record ResponseTools(ChatTools Chat, JsonArray Echo, JsonNode ChoiceEcho)
{
    private static readonly string[] ToolKeys = ["type", "name", "description", "parameters", "strict"];

    public static ResponseTools Read(JsonRequest body)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var definitions = new JsonArray();
        var echo = new JsonArray();
        bool hasTools = false;
        string? firstStrict = null;
        if (body.Find("tools") is { } tools)
        {
            if (tools.ValueKind != JsonValueKind.Array) throw ApiException.BadRequest("'tools' must be a list of tools.", "tools");
            int i = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                string param = $"tools[{i++}]";
                if (tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("type", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() != "function")
                    throw ApiException.BadRequest($"'{param}.type' \"{kind.GetString()}\": only function tools are supported (no built-in tools).", param + ".type");
                ChatToolsRequest.RequireObject(tool, param, ToolKeys);
                if (!tool.TryGetProperty("type", out _)) throw ApiException.BadRequest($"'{param}.type' is required (\"function\").", param + ".type");
                var name = ChatToolsRequest.ReadFunction(tool, param, names, out bool strict);
                if (strict) firstStrict ??= param + ".strict";
                var function = new JsonObject { ["name"] = name };
                if (Value(tool, "description") is { } description) function["description"] = description;
                if (Value(tool, "parameters") is { } parameters) function["parameters"] = parameters;
                definitions.Add(new JsonObject { ["type"] = "function", ["function"] = function });
                echo.Add(new JsonObject
                {
                    ["type"] = "function", ["name"] = name, ["description"] = Value(tool, "description"),
                    ["parameters"] = Value(tool, "parameters"), ["strict"] = Value(tool, "strict"),
                });
            }
            hasTools = i > 0;
        }
        var (choice, choiceEcho) = ReadChoice(body.Find("tool_choice"), names, hasTools);
        ChatToolsRequest.RefuseUnenforcedStrict(firstStrict, choice);
        bool parallel = body.Bool("parallel_tool_calls") ?? true;
        var chat = new ChatTools(hasTools ? JsonSerializer.SerializeToElement(definitions) : null, names, choice, parallel) { ParametersField = "parameters" };
        return new ResponseTools(chat, echo, choiceEcho);
    }

    private static (ToolChoice Choice, JsonNode Echo) ReadChoice(JsonElement? value, IReadOnlySet<string> names, bool hasTools)
    {
        if (value is not { } choice) return (hasTools ? ToolChoice.Auto : ToolChoice.None, "auto");
        if (choice.ValueKind == JsonValueKind.String)
            return (ChatToolsRequest.RequireTools(ChatToolsRequest.Mode(choice.GetString()!, "{\"type\": \"function\", \"name\": ...}"), hasTools), choice.GetString()!);
        if (choice.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest("'tool_choice' must be a string or an object naming a function.", "tool_choice");
        if (!choice.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
            throw ApiException.BadRequest("'tool_choice.type' must be \"function\" (built-in tools and allowed_tools are not supported).", "tool_choice.type");
        ChatToolsRequest.RequireObject(choice, "tool_choice", ["type", "name"]);
        var name = ChatToolsRequest.ReadName(choice, "tool_choice.name");
        if (!names.Contains(name))
            throw ApiException.BadRequest($"'tool_choice' names the function '{name}', which 'tools' does not define.", "tool_choice.name");
        return (new ToolChoice(ToolChoiceMode.Named, name), new JsonObject { ["type"] = "function", ["name"] = name });
    }

    private static JsonNode? Value(JsonElement tool, string name) =>
        tool.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? JsonNode.Parse(value.GetRawText()) : null;
}
