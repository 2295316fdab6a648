using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Engine.Tokenization;

/// <summary>Hugging Face byte-level BPE from tokenizer.json (GPT-2 style: Llama 3, Qwen2/3). Text is NFC-normalised
/// when the file says so, split by the pre-tokenizer regex into words, and each word is merged by
/// Microsoft.ML.Tokenizers' BpeTokenizer (which matches Hugging Face for one word).</summary>
internal sealed class ByteLevelBpeModel : ITokenModel
{
    // GPT-2's split, used when the ByteLevel pre-tokenizer has use_regex set and no Split comes before it.
    internal const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly BpeTokenizer _bpe;  // no pre-tokenizer or normaliser of its own: it is handed one word at a time
    private readonly Regex _split;
    private readonly bool _nfc;
    private readonly bool _ignoreMerges;
    private readonly string?[] _tokens;
    private readonly Dictionary<string, int> _ids;

    private ByteLevelBpeModel(BpeTokenizer bpe, Regex split, bool nfc, bool ignoreMerges, Dictionary<string, int> ids)
    {
        (_bpe, _split, _nfc, _ignoreMerges, _ids) = (bpe, split, nfc, ignoreMerges, ids);
        _tokens = new string[ids.Count == 0 ? 0 : ids.Values.Max() + 1];
        foreach (var (token, id) in ids) _tokens[id] = token;
    }

    /// <summary>Builds the model from tokenizer.json's root, or returns null when it is not a byte-level BPE
    /// (e.g. a SentencePiece-style Metaspace BPE).</summary>
    public static ByteLevelBpeModel? TryCreate(JsonElement root)
    {
        var model = root.GetProperty("model");
        if (model.GetProperty("type").GetString() != "BPE" || FindSplitPattern(root.GetProperty("pre_tokenizer")) is not string pattern)
            return null;

        var ids = new Dictionary<string, int>(model.GetProperty("vocab").GetPropertyCount());
        foreach (var entry in model.GetProperty("vocab").EnumerateObject()) ids[entry.Name] = entry.Value.GetInt32();

        // Merges are "a b" strings (older files) or ["a", "b"] pairs (newer ones, e.g. Qwen).
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.String ? m.GetString()! : m[0].GetString() + " " + m[1].GetString());

        var nfc = root.TryGetProperty("normalizer", out var normalizer) && normalizer.ToString().Contains("\"NFC\"", StringComparison.Ordinal);
        bool ignoreMerges = model.TryGetProperty("ignore_merges", out var ignore) && ignore.ValueKind == JsonValueKind.True;
        return Create(ids, merges, pattern, nfc, ignoreMerges);
    }

    /// <param name="ids">The vocabulary: byte-level token spellings and their ids.</param>
    /// <param name="merges">"a b" merge rules, highest priority first.</param>
    /// <param name="pattern">The pre-tokenizer's split regex (Hugging Face / Rust regex syntax).</param>
    public static ByteLevelBpeModel Create(Dictionary<string, int> ids, IEnumerable<string> merges, string pattern, bool nfc, bool ignoreMerges)
    {
        var bpe = BpeTokenizer.Create(new BpeOptions(ids) { Merges = merges, ByteLevel = true });
        return new ByteLevelBpeModel(bpe, new Regex(FixSurrogates(pattern), RegexOptions.Compiled | RegexOptions.CultureInvariant), nfc, ignoreMerges, ids);
    }

    /// <summary>The split regex: a Split pre-tokenizer's pattern, or GPT-2's when ByteLevel splits by itself;
    /// null when there is no ByteLevel step at all.</summary>
    private static string? FindSplitPattern(JsonElement preTokenizer)
    {
        if (preTokenizer.ValueKind != JsonValueKind.Object) return null;
        var steps = preTokenizer.GetProperty("type").GetString() == "Sequence"
            ? preTokenizer.GetProperty("pretokenizers").EnumerateArray().ToList()
            : [preTokenizer];
        string? split = null;
        foreach (var step in steps)
        {
            switch (step.GetProperty("type").GetString())
            {
                case "Split": split = step.GetProperty("pattern").GetProperty("Regex").GetString(); break;
                case "ByteLevel":
                    bool useRegex = !step.TryGetProperty("use_regex", out var u) || u.ValueKind == JsonValueKind.True;
                    return split ?? (useRegex ? Gpt2Pattern : null);
            }
        }
        return null;
    }

    /// <summary>.NET regexes see UTF-16 units: let the optional leading non-letter be a whole surrogate pair (an emoji),
    /// as it is for the Rust regex crate, or "🦙abc" splits differently.</summary>
    private static string FixSurrogates(string pattern) =>
        pattern.Replace(@"[^\r\n\p{L}\p{N}]?", @"(?:[\uD800-\uDBFF][\uDC00-\uDFFF]|[^\r\n\p{L}\p{N}])?", StringComparison.Ordinal);

    public int VocabSize => _tokens.Length;

    public void Encode(string text, bool atStartOfText, List<int> ids)
    {
        // Needs ICU (the projects run with InvariantGlobalization off): under invariant mode this is a no-op.
        if (_nfc) text = text.Normalize(NormalizationForm.FormC);
        foreach (var match in _split.EnumerateMatches(text))
        {
            var word = text.AsSpan(match.Index, match.Length);
            // Llama 3's ignore_merges: a word that is itself a vocabulary entry is that one token.
            if (_ignoreMerges && _ids.TryGetValue(ByteLevelAlphabet.Encode(word), out int id)) ids.Add(id);
            else ids.AddRange(_bpe.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false));
        }
    }

    public void AppendBytes(int id, List<byte> bytes)
    {
        if ((uint)id < (uint)_tokens.Length && _tokens[id] is string token) ByteLevelAlphabet.AppendBytes(token, bytes);
    }

    public string FinishDecode(string text) => text;

    public string? IdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    public int? TokenToId(string token) => _ids.TryGetValue(token, out int id) ? id : null;
}
