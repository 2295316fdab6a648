using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceService.Api;

/// <summary>
/// Validates OpenAI chat messages and normalises them for text-only chat templates: content parts of type
/// "text" are joined into one string (as vLLM does); other part types are refused.
/// </summary>
public static class ChatMessages
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    public static JsonElement Read(JsonRequest body)
    {
        if (body.Find("messages") is not { } messages) throw ApiException.BadRequest("'messages' is required.", "messages");
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
            result.Add(node);
        }
        return JsonSerializer.SerializeToElement(result);
    }

    private static JsonNode? Content(JsonElement message, string param, string role)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            if (role is "assistant" or "tool") return null;   // an assistant turn may carry only tool calls
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
}
