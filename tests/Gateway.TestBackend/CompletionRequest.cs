using System.Text.Json;

namespace Gateway.TestBackend;

/// <summary>The fields of a chat/completions request the backend uses.</summary>
public sealed record CompletionRequest(string? Model, bool Stream, bool IncludeUsage, int MaxTokens, int PromptWords, long? Priority)
{
    public static CompletionRequest Parse(JsonElement root)
    {
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = root.TryGetProperty("stream_options", out var o) && o.ValueKind == JsonValueKind.Object &&
                           o.TryGetProperty("include_usage", out var u) && u.ValueKind == JsonValueKind.True;
        var maxTokens = PositiveInt(root, "max_completion_tokens") ?? PositiveInt(root, "max_tokens") ?? 4;
        long? priority = root.TryGetProperty("priority", out var p) && p.TryGetInt64(out var value) ? value : null;
        return new CompletionRequest(model, stream, includeUsage, maxTokens, PromptWordCount(root), priority);
    }

    private static int? PositiveInt(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.TryGetInt32(out var count) && count > 0 ? count : null;

    /// <summary>Prompt "tokens": whitespace-separated words of the prompt or of all message contents.</summary>
    private static int PromptWordCount(JsonElement root)
    {
        var text = new List<string>();
        if (root.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.String) text.Add(prompt.GetString()!);
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            foreach (var message in messages.EnumerateArray())
                if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                    text.Add(content.GetString()!);
        return text.Sum(t => t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
