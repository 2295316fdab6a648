using System.Text.Json;

namespace Gateway.Usage;

/// <summary>OpenAI's usage object: prompt and completion tokens (the Responses API names them input_tokens and output_tokens).</summary>
public readonly record struct TokenUsage(long PromptTokens, long CompletionTokens)
{
    public long TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>The usage of a response object (a JSON body or one stream chunk, or a Responses event carrying the
    /// response, as response.completed does), if it carries a non-null one.</summary>
    public static TokenUsage? From(JsonElement response)
    {
        if (response.ValueKind != JsonValueKind.Object) return null;
        if (response.TryGetProperty("usage", out var usage)) return Of(usage);
        return response.TryGetProperty("response", out var inner) && inner.ValueKind == JsonValueKind.Object && inner.TryGetProperty("usage", out usage) ? Of(usage) : null;
    }

    /// <summary>The usage object itself, if it is one.</summary>
    public static TokenUsage? Of(JsonElement usage) =>
        usage.ValueKind == JsonValueKind.Object
            ? new TokenUsage(Count(usage, "prompt_tokens") + Count(usage, "input_tokens"), Count(usage, "completion_tokens") + Count(usage, "output_tokens"))
            : null;

    private static long Count(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.TryGetInt64(out var count) && count > 0 ? count : 0;
}
