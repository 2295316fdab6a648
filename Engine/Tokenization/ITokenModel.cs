namespace Engine.Tokenization;

/// <summary>The vocabulary-specific half of a tokenizer: how plain text (no added tokens in it) becomes ids,
/// and which bytes each id stands for. <see cref="TextTokenizer"/> does the rest.</summary>
internal interface ITokenModel
{
    int VocabSize { get; }

    /// <summary>Appends the ids of <paramref name="text"/>; <paramref name="atStartOfText"/> is false for text
    /// that follows an added token (SentencePiece's non-legacy mode adds its dummy prefix only at the start).</summary>
    void Encode(string text, bool atStartOfText, List<int> ids);

    /// <summary>Appends the raw bytes of one vocabulary token; unknown ids append nothing.</summary>
    void AppendBytes(int id, List<byte> bytes);

    /// <summary>Last touch on decoded text (SentencePiece removes its dummy-prefix space).</summary>
    string FinishDecode(string text);

    string? IdToToken(int id);

    int? TokenToId(string token);
}
