using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceService.Api;

/// <summary>
/// Validates OpenAI chat messages and normalises them for text-only chat templates: content parts of type
/// "text" are joined into one string (as vLLM does); other part types are refused. An assistant's tool_calls keep
/// OpenAI's shape, with each call's arguments (a JSON string) parsed into the object templates read, as vLLM does;
/// a tool message must say which call it answers (tool_call_id). Missing content of an assistant or tool message is "".
/// </summary>
public static class ChatMessages
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    public static JsonElement Read(JsonRequest body)
    {
        if (body.Find("messages") is not { } messages) throw ApiException.BadRequest("'messages' is required.", "messages");
        return Normalize(messages);
    }

    /// <summary>The messages as the chat template gets them; throws <see cref="ApiException"/> (400) naming what is wrong.</summary>
    public static JsonElement Normalize(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array) throw ApiException.BadRequest("'messages' must be a list of messages.", "messages");
        if (messages.GetArrayLength() == 0) throw ApiException.BadRequest("'messages' must contain at least one message.", "messages");
        var result = new JsonArray();
        int i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            string param = $"messages[{i++}]";
            if (message.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest($"'{param}' must be an object.", param);
            if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                throw ApiException.BadRequest($"'{param}.role' is required and must be a string.", param + ".role");
            if (!Roles.Contains(role.GetString()))
                throw ApiException.BadRequest($"'{param}.role' must be one of {string.Join(", ", Roles)}; got '{role.GetString()}'.", param + ".role");
            var node = JsonNode.Parse(message.GetRawText())!.AsObject();
            node["content"] = Content(message, param, role.GetString()!);
            if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind != JsonValueKind.Null)
            {
                if (role.GetString() != "assistant")
                    throw ApiException.BadRequest($"'{param}.tool_calls' is only allowed in assistant messages.", param + ".tool_calls");
                node["tool_calls"] = ToolCalls(calls, param + ".tool_calls");
            }
            if (role.GetString() == "tool" && (!message.TryGetProperty("tool_call_id", out var id) || id.ValueKind != JsonValueKind.String))
                throw ApiException.BadRequest($"'{param}.tool_call_id' is required in tool messages: the id of the call this answers.", param + ".tool_call_id");
            result.Add(node);
        }
        return JsonSerializer.SerializeToElement(result);
    }

    private static JsonNode? Content(JsonElement message, string param, string role)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            if (role is "assistant" or "tool") return "";   // an assistant turn may carry only tool calls; templates get "", as from vLLM
            throw ApiException.BadRequest($"'{param}.content' is required for role '{role}'.", param + ".content");
        }
        if (content.ValueKind == JsonValueKind.String) return content.GetString();
        if (content.ValueKind != JsonValueKind.Array)
            throw ApiException.BadRequest($"'{param}.content' must be a string or a list of content parts.", param + ".content");
        var texts = new List<string>();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                throw ApiException.BadRequest($"'{param}.content' parts must be objects with a 'type'.", param + ".content");
            if (type.GetString() != "text" || !part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                throw ApiException.BadRequest($"'{param}.content': only text parts ({{\"type\":\"text\",\"text\":...}}) are supported by this model.", param + ".content");
            texts.Add(text.GetString()!);
        }
        return string.Join("\n", texts);
    }

    /// <summary>[{id, type: "function", function: {name, arguments: "JSON"}}], with each arguments string parsed.</summary>
    private static JsonArray ToolCalls(JsonElement calls, string param)
    {
        if (calls.ValueKind != JsonValueKind.Array) throw ApiException.BadRequest($"'{param}' must be a list of tool calls.", param);
        var result = new JsonArray();
        int j = 0;
        foreach (var call in calls.EnumerateArray())
        {
            string at = $"{param}[{j++}]";
            if (call.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest($"'{at}' must be an object.", at);
            if (!call.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
                throw ApiException.BadRequest($"'{at}.id' is required and must be a string.", at + ".id");
            if (call.TryGetProperty("type", out var type) && (type.ValueKind != JsonValueKind.String || type.GetString() != "function"))
                throw ApiException.BadRequest($"'{at}.type' must be \"function\".", at + ".type");
            if (!call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
                throw ApiException.BadRequest($"'{at}.function' is required and must be an object.", at + ".function");
            if (!function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                throw ApiException.BadRequest($"'{at}.function.name' is required and must be a string.", at + ".function.name");
            if (!function.TryGetProperty("arguments", out var arguments) || arguments.ValueKind != JsonValueKind.String)
                throw ApiException.BadRequest($"'{at}.function.arguments' is required and must be a string of JSON.", at + ".function.arguments");
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(arguments.GetString()!);
            }
            catch (JsonException error)
            {
                throw ApiException.BadRequest($"'{at}.function.arguments' is not valid JSON: {error.Message}", at + ".function.arguments");
            }
            var node = JsonNode.Parse(call.GetRawText())!.AsObject();
            node["type"] = "function";
            node["function"]!["arguments"] = parsed;
            result.Add(node);
        }
        return result;
    }
}
