using System.Text;
using System.Text.Json;

namespace Gateway.Limits;

/// <summary>
/// What a request to the OpenAI API (/v1) may cost, reserved from its key's tokens bucket at admission: the prompt (about
/// one token per 4 UTF-8 bytes of text, one per token id) plus the most it may generate: max_completion_tokens or
/// max_tokens (else 16 for completions, the model's max_model_len for chat, 0 elsewhere) × n × the number of prompts.
/// Outside /v1 (/tokenize, /detokenize) nothing is generated and nothing is reserved.
/// </summary>
public static class TokenEstimate
{
    private const int BytesPerToken = 4;
    private const int CompletionsDefaultMaxTokens = 16;
    // Far above any real request, far below where double arithmetic or Redis's integers would lose it.
    private const double Most = 1e15;

    public static long Of(JsonElement body, PathString path, Func<string, int?> maxModelLen)
    {
        if (body.ValueKind != JsonValueKind.Object || !path.StartsWithSegments("/v1")) return 0;
        var (promptTokens, prompts) = Prompts(body);
        double perChoice = Int(body, "max_completion_tokens") ?? Int(body, "max_tokens") ?? DefaultMaxTokens(body, path, maxModelLen);
        double n = Int(body, "n") is > 0 and var choices ? choices : 1;
        return (long)Math.Min(Most, promptTokens + perChoice * n * prompts);
    }

    private static double DefaultMaxTokens(JsonElement body, PathString path, Func<string, int?> maxModelLen)
    {
        if (path.Equals("/v1/completions", StringComparison.OrdinalIgnoreCase)) return CompletionsDefaultMaxTokens;
        if (!path.Equals("/v1/chat/completions", StringComparison.OrdinalIgnoreCase)) return 0;
        return body.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? maxModelLen(model.GetString()!) ?? 0 : 0;
    }

    /// <summary>The prompt tokens of "prompt" or "input" (a string, token ids, or a list of either) and of "messages",
    /// and how many prompts there are (each is generated for n times).</summary>
    private static (double Tokens, double Prompts) Prompts(JsonElement body)
    {
        double tokens = 0, prompts = 1;
        foreach (var name in new[] { "prompt", "input" })
        {
            if (!body.TryGetProperty(name, out var prompt)) continue;
            if (prompt.ValueKind == JsonValueKind.Array && prompt.GetArrayLength() > 0 && prompt[0].ValueKind is JsonValueKind.String or JsonValueKind.Array)
                prompts = prompt.GetArrayLength();
            tokens += Tokens(prompt);
        }
        if (body.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            foreach (var message in messages.EnumerateArray())
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content)) tokens += Tokens(content);
        return (tokens, prompts);
    }

    /// <summary>Text by its bytes, token ids one each, lists and content parts ({"type":"text","text":...}) summed.</summary>
    private static double Tokens(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Math.Ceiling((double)Encoding.UTF8.GetByteCount(value.GetString()!) / BytesPerToken),
        JsonValueKind.Number => 1,
        JsonValueKind.Array => value.EnumerateArray().Sum(Tokens),
        JsonValueKind.Object => value.TryGetProperty("text", out var text) ? Tokens(text) : 0,
        _ => 0,
    };

    private static long? Int(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0
            ? number
            : null;
}
