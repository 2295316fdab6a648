using System.Text.Json;

namespace Engine.Speculation;

/// <summary>How proposals are made for speculative decoding.</summary>
public enum SpeculativeMethod
{
    /// <summary>Prompt lookup: the tokens that followed the most recent earlier match of the sequence's last n tokens.</summary>
    Ngram,
    /// <summary>Greedy steps of a smaller model that shares the target's tokenizer.</summary>
    DraftModel,
}

/// <summary>
/// vLLM's --speculative-config, a JSON object: {"method":"ngram","num_speculative_tokens":k,"prompt_lookup_max":n,
/// "prompt_lookup_min":m} or {"model":"&lt;dir&gt;","num_speculative_tokens":k}. Unknown keys are refused, as unknown flags are.
/// </summary>
public sealed record SpeculativeConfig
{
    /// <summary>The most tokens proposed per step (a bound that keeps one step's verification cheap).</summary>
    public const int MaxSpeculativeTokens = 32;

    /// <summary>vLLM's default n-gram length when neither prompt_lookup_max nor prompt_lookup_min is given.</summary>
    private const int DefaultLookup = 5;

    private static readonly string[] Keys = ["method", "model", "num_speculative_tokens", "prompt_lookup_max", "prompt_lookup_min"];

    public required SpeculativeMethod Method { get; init; }
    /// <summary>Tokens proposed (and verified in one forward) per step: k.</summary>
    public required int NumSpeculativeTokens { get; init; }
    /// <summary>N-gram: the longest suffix looked up.</summary>
    public int PromptLookupMax { get; init; } = DefaultLookup;
    /// <summary>N-gram: the shortest suffix looked up.</summary>
    public int PromptLookupMin { get; init; } = DefaultLookup;
    /// <summary>Draft model: its folder.</summary>
    public string? Model { get; init; }

    /// <summary>Parses and validates the flag's JSON; throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static SpeculativeConfig Parse(string json)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException error)
        {
            throw Invalid($"is not valid JSON ({error.Message})");
        }
        if (root.ValueKind != JsonValueKind.Object) throw Invalid("must be a JSON object");
        var unknown = root.EnumerateObject().Select(p => p.Name).Where(name => !Keys.Contains(name)).ToList();
        if (unknown.Count > 0)
            throw Invalid($"has unknown key{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(k => $"'{k}'"))} (known: {string.Join(", ", Keys)})");

        string? model = String(root, "model");
        var method = String(root, "method") switch
        {
            "ngram" => SpeculativeMethod.Ngram,
            "draft_model" => SpeculativeMethod.DraftModel,
            null when model is not null => SpeculativeMethod.DraftModel,
            null => throw Invalid("needs \"method\":\"ngram\" or a draft \"model\""),
            var other => throw Invalid($"has method '{other}': expected ngram or draft_model"),
        };
        if (method == SpeculativeMethod.DraftModel && string.IsNullOrEmpty(model)) throw Invalid("needs the draft \"model\"");
        if (method == SpeculativeMethod.Ngram && model is not null) throw Invalid("gives a \"model\" with method ngram (which uses none)");
        int k = Int(root, "num_speculative_tokens") ?? throw Invalid("needs num_speculative_tokens");
        if (k < 1 || k > MaxSpeculativeTokens) throw Invalid($"has num_speculative_tokens {k}: expected 1 to {MaxSpeculativeTokens}");

        int? max = Int(root, "prompt_lookup_max"), min = Int(root, "prompt_lookup_min");
        if (method == SpeculativeMethod.DraftModel && (max is not null || min is not null))
            throw Invalid("gives prompt_lookup_max/prompt_lookup_min, which only method ngram uses");
        // As vLLM: one given sets the other; neither gives 5.
        int lookupMax = max ?? min ?? DefaultLookup, lookupMin = min ?? max ?? DefaultLookup;
        if (lookupMin < 1) throw Invalid($"has prompt_lookup_min {lookupMin}: expected at least 1");
        if (lookupMax < lookupMin) throw Invalid($"has prompt_lookup_max {lookupMax} below prompt_lookup_min {lookupMin}");
        return new SpeculativeConfig { Method = method, NumSpeculativeTokens = k, PromptLookupMax = lookupMax, PromptLookupMin = lookupMin, Model = model };
    }

    private static string? String(JsonElement root, string key) => !root.TryGetProperty(key, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Invalid($"has {key} {value.GetRawText()}: expected a string");

    private static int? Int(JsonElement root, string key) => !root.TryGetProperty(key, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) ? n
        : throw Invalid($"has {key} {value.GetRawText()}: expected an integer");

    private static ArgumentException Invalid(string what) => new($"--speculative-config {what}.");
}
