using Engine.Loading.Gguf;
using PieceType = Engine.Tokenization.SentencePieceModelProto.PieceType;

namespace Engine.Tokenization;

/// <summary>
/// The tokenizer stored in a GGUF's metadata, as llama.cpp reads it: tokenizer.ggml.model `llama` is SentencePiece
/// BPE (tokens, scores, token_type), `gpt2` is byte-level BPE (tokens, merges) split by the regex that
/// tokenizer.ggml.pre names (llama-vocab.cpp's list; unknown names are an error). Control tokens (type 3) act as
/// special added tokens, user-defined ones (type 4) as plain added tokens; BOS/EOS/unknown ids and the
/// add_bos/add_eos flags come from the metadata too.
/// </summary>
public static class GgufTokenizerLoader
{
    private const string Llama3Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    private const string Qwen2Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>tokenizer.ggml.pre names → (split regex, NFC normalisation, Llama 3's ignore_merges).</summary>
    private static readonly Dictionary<string, (string Pattern, bool Nfc, bool IgnoreMerges)> PreTokenizers = new()
    {
        ["llama3"] = (Llama3Pattern, false, true),
        ["llama-v3"] = (Llama3Pattern, false, true),
        ["llama-bpe"] = (Llama3Pattern, false, true),
        ["qwen2"] = (Qwen2Pattern, true, false),
        ["deepseek-r1-qwen"] = (Qwen2Pattern, true, false),
        ["gpt-2"] = (ByteLevelBpeModel.Gpt2Pattern, false, false),
        ["default"] = (ByteLevelBpeModel.Gpt2Pattern, false, false),
    };

    public static ITextTokenizer Load(GgufFile file)
    {
        var m = file.Metadata;
        string model = m.String("tokenizer.ggml.model") ?? throw new InvalidDataException($"{file.Path} has no tokenizer (tokenizer.ggml.model); pass --tokenizer <folder>.");
        var tokens = m.StringArray("tokenizer.ggml.tokens") ?? throw new InvalidDataException($"{file.Path} lacks tokenizer.ggml.tokens.");
        var types = m.IntegerArray("tokenizer.ggml.token_type") ?? new long[tokens.Length];
        if (types.Length != tokens.Length)
            throw new InvalidDataException($"{file.Path}: tokenizer.ggml.token_type has {types.Length} entries for {tokens.Length} tokens.");
        int? Id(string name) => m.Integer($"tokenizer.ggml.{name}_token_id") is { } id && id >= 0 && id < tokens.Length ? (int)id : null;
        string? Text(int? id) => id is { } i ? tokens[i] : null;
        int? bos = Id("bos"), eos = Id("eos");

        switch (model)
        {
            case "llama":
            {
                var scores = m.FloatArray("tokenizer.ggml.scores") ?? throw new InvalidDataException($"{file.Path} lacks tokenizer.ggml.scores.");
                if (scores.Length != tokens.Length)
                    throw new InvalidDataException($"{file.Path}: tokenizer.ggml.scores has {scores.Length} entries for {tokens.Length} tokens.");
                var proto = SentencePieceModelProto.FromPieces(
                    tokens.Select((t, i) => new SentencePieceModelProto.Piece(t, scores[i], types[i] is >= 1 and <= 6 ? (PieceType)types[i] : PieceType.Normal)),
                    Id("unknown") ?? 0, bos ?? -1, eos ?? -1, m.Bool("tokenizer.ggml.add_space_prefix") ?? true);
                // llama.cpp prefixes a space after every special token too: Hugging Face's legacy mode.
                var spm = new SentencePieceBpeModel(proto, legacy: true);
                return new TextTokenizer(spm, spm.SpecialPieces(), Text(bos), Text(eos),
                    m.Bool("tokenizer.ggml.add_bos_token") ?? true, m.Bool("tokenizer.ggml.add_eos_token") ?? false);
            }
            case "gpt2":
            {
                string pre = m.String("tokenizer.ggml.pre") ?? "default";
                if (!PreTokenizers.TryGetValue(pre, out var split))
                    throw new NotSupportedException($"{file.Path}: pre-tokenizer '{pre}' is not supported (supported: {string.Join(", ", PreTokenizers.Keys)}); pass --tokenizer <folder> to use a tokenizer.json.");
                var merges = m.StringArray("tokenizer.ggml.merges") ?? throw new InvalidDataException($"{file.Path} lacks tokenizer.ggml.merges.");
                var vocabulary = new Dictionary<string, int>();
                var added = new List<AddedToken>();
                for (int id = 0; id < tokens.Length; id++)
                {
                    if (types[id] is 3 or 4) added.Add(new AddedToken(id, tokens[id], Special: types[id] == 3));
                    else vocabulary.TryAdd(tokens[id], id);
                }
                var bpe = ByteLevelBpeModel.Create(vocabulary, merges, split.Pattern, split.Nfc, split.IgnoreMerges);
                return new TextTokenizer(bpe, added, Text(bos), Text(eos),
                    m.Bool("tokenizer.ggml.add_bos_token") ?? false, m.Bool("tokenizer.ggml.add_eos_token") ?? false);
            }
            default:
                throw new NotSupportedException($"{file.Path}: tokenizer model '{model}' is not supported (supported: llama, gpt2); pass --tokenizer <folder>.");
        }
    }

    /// <summary>tokenizer.chat_template, or null.</summary>
    public static string? ChatTemplate(GgufFile file) => file.Metadata.String("tokenizer.chat_template");
}
