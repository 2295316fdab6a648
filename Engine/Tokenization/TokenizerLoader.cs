using System.Text.Json;

namespace Engine.Tokenization;

/// <summary>Loads the tokenizer of a Hugging Face model folder: tokenizer.json when it is a byte-level BPE,
/// otherwise SentencePiece's tokenizer.model; tokenizer_config.json supplies BOS/EOS and added tokens.</summary>
public static class TokenizerLoader
{
    public static ITextTokenizer Load(string modelDirectory)
    {
        var config = TokenizerConfig.Read(modelDirectory);
        var json = Path.Combine(modelDirectory, "tokenizer.json");
        var model = Path.Combine(modelDirectory, "tokenizer.model");
        if (File.Exists(json) && LoadTokenizerJson(json, config) is { } fromJson) return fromJson;
        if (File.Exists(model)) return LoadSentencePiece(model, config);
        if (File.Exists(json))
            throw new NotSupportedException($"{json} is not a byte-level BPE and there is no tokenizer.model beside it.");
        throw new FileNotFoundException($"No tokenizer.json or tokenizer.model in {modelDirectory}.");
    }

    /// <summary>tokenizer_config.json's chat_template: a string, or from a list of named templates the one called
    /// "default", else the first; null if none.</summary>
    public static string? ChatTemplate(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, "tokenizer_config.json");
        if (!File.Exists(path)) return null;
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        if (!json.RootElement.TryGetProperty("chat_template", out var template)) return null;
        return template.ValueKind switch
        {
            JsonValueKind.String => template.GetString(),
            JsonValueKind.Array => template.EnumerateArray()
                .OrderBy(t => t.TryGetProperty("name", out var n) && n.GetString() == "default" ? 0 : 1)
                .Select(t => t.GetProperty("template").GetString()).FirstOrDefault(),
            _ => null,
        };
    }

    /// <summary>Null when the file is not byte-level BPE: SentencePiece-style tokenizer.json files (Llama 2, Mistral)
    /// come with a tokenizer.model, which is read instead.</summary>
    private static TextTokenizer? LoadTokenizerJson(string path, TokenizerConfig config)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        if (ByteLevelBpeModel.TryCreate(root) is not { } model) return null;
        var added = root.GetProperty("added_tokens").EnumerateArray().Select(t => new AddedToken(
            t.GetProperty("id").GetInt32(), t.GetProperty("content").GetString()!, t.TryGetProperty("special", out var s) && s.GetBoolean()));
        // Without add_bos_token, BOS is added when the post-processor template says so (Meta's Llama 3 files),
        // and otherwise whenever a BOS token is named (copies of Llama 3 that lost the template; Qwen names none).
        bool addBos = config.AddBosToken ?? TemplateStartsWith(root.TryGetProperty("post_processor", out var p) ? p : default, config.BosToken) ?? config.BosToken is not null;
        return new TextTokenizer(model, [.. added, .. config.AddedTokens], config.BosToken, config.EosToken, addBos);
    }

    private static TextTokenizer LoadSentencePiece(string path, TokenizerConfig config)
    {
        var proto = SentencePieceModelProto.Read(path);
        var model = new SentencePieceBpeModel(proto, legacy: config.Legacy ?? true);
        // Hugging Face's LlamaTokenizer adds BOS unless told otherwise.
        return new TextTokenizer(model, [.. model.SpecialPieces(), .. config.AddedTokens],
            config.BosToken ?? model.IdToToken(proto.BosId), config.EosToken ?? model.IdToToken(proto.EosId), config.AddBosToken ?? true);
    }

    /// <summary>Whether a TemplateProcessing post-processor (alone or in a Sequence) puts <paramref name="token"/>
    /// first; null when there is no template.</summary>
    private static bool? TemplateStartsWith(JsonElement processor, string? token)
    {
        if (processor.ValueKind != JsonValueKind.Object) return null;
        switch (processor.GetProperty("type").GetString())
        {
            case "TemplateProcessing":
                var first = processor.GetProperty("single")[0];
                return first.TryGetProperty("SpecialToken", out var special) && special.GetProperty("id").GetString() == token;
            case "Sequence":
                return processor.GetProperty("processors").EnumerateArray().Select(p => TemplateStartsWith(p, token)).FirstOrDefault(r => r is not null);
            default:
                return null;
        }
    }
}
