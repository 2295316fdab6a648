using System.Text.Json;

namespace Gateway.Usage;

/// <summary>OpenAI's usage object: prompt and completion tokens.</summary>
public readonly record struct TokenUsage(long PromptTokens, long CompletionTokens)
{
    public long TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>The usage of a response object (a JSON body or one stream chunk), if it carries a non-null one.</summary>
    public static TokenUsage? From(JsonElement response)
    {
        if (response.ValueKind != JsonValueKind.Object || !response.TryGetProperty("usage", out var usage)) return null;
        return Of(usage);
    }

    /// <summary>The usage object itself, if it is one.</summary>
    public static TokenUsage? Of(JsonElement usage) =>
        usage.ValueKind == JsonValueKind.Object ? new TokenUsage(Count(usage, "prompt_tokens"), Count(usage, "completion_tokens")) : null;

    private static long Count(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.TryGetInt64(out var count) && count > 0 ? count : 0;
}
