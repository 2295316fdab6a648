namespace Engine.Tokenization;

/// <summary>Text to token ids and back, with the special tokens a model and its chat template need.</summary>
public interface ITextTokenizer
{
    /// <summary>Number of ids the tokenizer knows (vocabulary plus added tokens); the model's embedding may be larger.</summary>
    int VocabSize { get; }

    int? BosTokenId { get; }

    /// <summary>e.g. "&lt;s&gt;" or "&lt;|begin_of_text|&gt;"; chat templates render it.</summary>
    string? BosToken { get; }

    string? EosToken { get; }

    /// <summary>Ids that end generation according to the tokenizer files; may be empty.</summary>
    IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>Whether <see cref="Encode"/> with special tokens prepends BOS.</summary>
    bool AddBosToken { get; }

    /// <summary>Encodes text; added/special tokens written in the text become their single ids.
    /// With <paramref name="addSpecialTokens"/>, BOS is prepended when <see cref="AddBosToken"/> (and EOS appended
    /// when the tokenizer says so: a GGUF's tokenizer.ggml.add_eos_token).</summary>
    IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true);

    /// <summary>Decodes ids to text; bytes that do not form whole UTF-8 characters become U+FFFD.</summary>
    string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true);

    bool IsSpecial(int id);

    /// <summary>The raw vocabulary entry ("▁the", "Ġthe", "&lt;0x0A&gt;", "&lt;|eot_id|&gt;"), or null for an unknown id.</summary>
    string? IdToToken(int id);

    int? TokenToId(string token);

    /// <summary>The bytes <paramref name="id"/> adds to decoded text: nothing for special tokens and unknown ids, and
    /// possibly part of a UTF-8 character (byte-level and byte-fallback tokens).</summary>
    byte[] TokenBytes(int id);
}
