using System.Text.Json;

namespace Engine.Tokenization;

/// <summary>What tokenizer_config.json says about special tokens; every value is optional.</summary>
internal sealed record TokenizerConfig(bool? AddBosToken, string? BosToken, string? EosToken, bool? Legacy, IReadOnlyList<AddedToken> AddedTokens)
{
    public static TokenizerConfig Read(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, "tokenizer_config.json");
        if (!File.Exists(path)) return new(null, null, null, null, []);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
            foreach (var entry in decoder.EnumerateObject())
                added.Add(new AddedToken(int.Parse(entry.Name), entry.Value.GetProperty("content").GetString()!,
                    entry.Value.TryGetProperty("special", out var special) && special.ValueKind == JsonValueKind.True));
        return new(Bool(root, "add_bos_token"), TokenText(root, "bos_token"), TokenText(root, "eos_token"), Bool(root, "legacy"), added);
    }

    private static bool? Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    /// <summary>A token is written as a string or as an AddedToken object {"content": ...}.</summary>
    private static string? TokenText(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("content", out var content) => content.GetString(),
        _ => null,
    } : null;
}
