using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Chat.Tools;
using InferenceService.Api;
using InferenceService.Tools;

namespace InferenceService.Responses;

/// <summary>
/// A Responses request's instructions and input turned into the chat messages the chat template renders: instructions
/// become the first (system) message; input is a string (one user message) or a list of items: messages (text content,
/// input_text or output_text parts), function_call items (joined to the assistant turn before them as its tool_calls),
/// function_call_output items (tool messages), and reasoning items (the next assistant turn's reasoning_content, which
/// reasoning models' templates read). Every mistake is a 400 naming the item.
/// </summary>
public static class ResponseInput
{
    private static readonly string[] Roles = ["user", "assistant", "system", "developer"];
    private static readonly string[] MessageKeys = ["type", "role", "content", "id", "status", "phase"];
    private static readonly string[] CallKeys = ["type", "call_id", "name", "arguments", "id", "status"];
    private static readonly string[] OutputKeys = ["type", "call_id", "output", "id", "status"];
    private static readonly string[] ReasoningKeys = ["type", "id", "summary", "content", "encrypted_content", "status"];
    private static readonly string[] PartKeys = ["type", "text", "annotations", "logprobs"];

    public static JsonElement Messages(string? instructions, JsonElement? input)
    {
        var messages = new JsonArray();
        if (instructions is not null) messages.Add(Message("system", instructions));
        if (input is not { } items) throw ApiException.BadRequest("'input' is required.", "input");
        if (items.ValueKind == JsonValueKind.String) messages.Add(Message("user", items.GetString()!));
        else if (items.ValueKind != JsonValueKind.Array) throw ApiException.BadRequest("'input' must be a string or a list of input items.", "input");
        else if (items.GetArrayLength() == 0) throw ApiException.BadRequest("'input' must contain at least one item.", "input");
        else
        {
            string? reasoning = null;
            int i = 0;
            foreach (var item in items.EnumerateArray())
            {
                string param = $"input[{i++}]";
                if (item.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest($"'{param}' must be an object.", param);
                string type = item.TryGetProperty("type", out var t) ? t.ValueKind == JsonValueKind.String ? t.GetString()! : throw ApiException.BadRequest($"'{param}.type' must be a string.", param + ".type") : "message";
                switch (type)
                {
                    case "message":
                        ChatToolsRequest.RequireObject(item, param, MessageKeys);
                        var role = String(item, "role", param);
                        if (!Roles.Contains(role))
                            throw ApiException.BadRequest($"'{param}.role' must be one of {string.Join(", ", Roles)}; got '{role}'.", param + ".role");
                        var message = Message(role, Content(item, param));
                        if (role == "assistant") Think(message, ref reasoning);
                        messages.Add(message);
                        break;
                    case "function_call":
                        ChatToolsRequest.RequireObject(item, param, CallKeys);
                        var arguments = String(item, "arguments", param);
                        try
                        {
                            using var _ = JsonDocument.Parse(arguments);
                        }
                        catch (JsonException error)
                        {
                            throw ApiException.BadRequest($"'{param}.arguments' is not valid JSON: {error.Message}", param + ".arguments");
                        }
                        var call = new JsonObject
                        {
                            ["id"] = String(item, "call_id", param), ["type"] = "function",
                            ["function"] = new JsonObject { ["name"] = String(item, "name", param), ["arguments"] = arguments },
                        };
                        AssistantTurn(messages, ref reasoning)["tool_calls"]!.AsArray().Add(call);
                        break;
                    case "function_call_output":
                        ChatToolsRequest.RequireObject(item, param, OutputKeys);
                        messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = String(item, "call_id", param), ["content"] = Content(item, param, "output") });
                        break;
                    case "reasoning":
                        ChatToolsRequest.RequireObject(item, param, ReasoningKeys);
                        reasoning = (reasoning ?? "") + ReasoningText(item, param);
                        break;
                    default:
                        throw ApiException.BadRequest($"'{param}.type' \"{type}\" is not supported: input items are messages, function_call, function_call_output and reasoning.", param + ".type");
                }
            }
            if (reasoning is not null) messages.Add(Think(Message("assistant", ""), ref reasoning));
        }
        return ChatMessages.Normalize(JsonSerializer.SerializeToElement(messages));
    }

    private static JsonObject Message(string role, string content) => new() { ["role"] = role, ["content"] = content };

    /// <summary>The assistant turn a function call belongs to: the last message if it is one, else a new one.</summary>
    private static JsonObject AssistantTurn(JsonArray messages, ref string? reasoning)
    {
        if (reasoning is null && messages.Count > 0 && messages[^1] is JsonObject last && last["role"]!.GetValue<string>() == "assistant")
        {
            last["tool_calls"] ??= new JsonArray();
            return last;
        }
        var turn = Think(Message("assistant", ""), ref reasoning);
        turn["tool_calls"] = new JsonArray();
        messages.Add(turn);
        return turn;
    }

    private static JsonObject Think(JsonObject message, ref string? reasoning)
    {
        if (reasoning is not null) message["reasoning_content"] = reasoning;
        reasoning = null;
        return message;
    }

    /// <summary>Text content: a string, or a list of input_text / output_text parts joined by newlines (as chat's parts are).</summary>
    private static string Content(JsonElement item, string param, string field = "content")
    {
        if (!item.TryGetProperty(field, out var content)) throw ApiException.BadRequest($"'{param}.{field}' is required.", $"{param}.{field}");
        if (content.ValueKind == JsonValueKind.String) return content.GetString()!;
        if (content.ValueKind != JsonValueKind.Array)
            throw ApiException.BadRequest($"'{param}.{field}' must be a string or a list of content parts.", $"{param}.{field}");
        var texts = new List<string>();
        int j = 0;
        foreach (var part in content.EnumerateArray())
        {
            string at = $"{param}.{field}[{j++}]";
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.GetString() is not ("input_text" or "output_text"))
                throw ApiException.BadRequest($"'{at}': only text parts ({{\"type\": \"input_text\", \"text\": ...}}) are supported by this model.", at);
            ChatToolsRequest.RequireObject(part, at, PartKeys);
            texts.Add(String(part, "text", at));
        }
        return string.Join("\n", texts);
    }

    private static string ReasoningText(JsonElement item, string param)
    {
        if (item.TryGetProperty("encrypted_content", out var encrypted) && encrypted.ValueKind != JsonValueKind.Null)
            throw ApiException.BadRequest($"'{param}.encrypted_content': this server neither makes nor reads encrypted reasoning.", param + ".encrypted_content");
        if (!item.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null) return "";
        if (content.ValueKind != JsonValueKind.Array)
            throw ApiException.BadRequest($"'{param}.content' must be a list of reasoning_text parts.", param + ".content");
        return string.Concat(content.EnumerateArray().Select((part, j) =>
            part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.GetString() == "reasoning_text"
                ? String(part, "text", $"{param}.content[{j}]")
                : throw ApiException.BadRequest($"'{param}.content[{j}]' must be a reasoning_text part.", $"{param}.content[{j}]")));
    }

    private static string String(JsonElement item, string name, string param) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw ApiException.BadRequest($"'{param}.{name}' is required and must be a string.", $"{param}.{name}");
}
