using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gateway.Routing;

/// <summary>
/// What requests sharing a cached prefix have in common, as the gateway sees it: the model and the start of the messages
/// (system prompt first) or of the prompt, as JSON text. Null for a request without either.
/// </summary>
public static class PromptPrefix
{
    public static string? Of(RequestBody? body, int chars)
    {
        if (body is null) return null;
        var root = body.Root;
        string text;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array) text = messages.GetRawText();
        else if (root.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.String) text = prompt.GetString()!;
        else if (root.TryGetProperty("prompt", out prompt) && prompt.ValueKind == JsonValueKind.Array) text = prompt.GetRawText();
        else return null;
        return $"{body.Model}\n{(text.Length > chars ? text[..chars] : text)}";
    }

    /// <summary>A short name of the prefix (its SHA-256, 128 bits in hex), to key its placement by.</summary>
    public static string KeyOf(string prefix) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix)), 0, 16);
}
