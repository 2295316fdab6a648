namespace Engine.Tokenization;

/// <summary>Streaming detokenization of one sequence, as vLLM does it: each step decodes a short window of tokens
/// and emits the text beyond what the window's first part already produced, holding back while the text ends in
/// U+FFFD (a character whose bytes have not all arrived). Decoding a window, not single tokens, keeps the
/// context-dependent parts right: byte pieces join into characters and a SentencePiece word keeps its leading
/// space mid-stream. All <see cref="Add"/> results plus <see cref="Flush"/> equal
/// Decode(prompt + generated) minus Decode(prompt): Decode(generated) itself, except that a SentencePiece word
/// right after a non-empty prompt keeps its space.</summary>
public sealed class IncrementalDetokenizer
{
    private const int PrefixWindow = 5; // tokens of context before the first new one, as in vLLM

    private readonly ITextTokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _ids;
    private int _prefixOffset; // start of the decoded window
    private int _readOffset;   // end of what has been emitted

    public IncrementalDetokenizer(ITextTokenizer tokenizer, IReadOnlyList<int> promptIds, bool skipSpecialTokens = true)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
        _ids = [.. promptIds];
        _readOffset = _ids.Count;
        _prefixOffset = Math.Max(_ids.Count - PrefixWindow, 0);
    }

    /// <summary>The new text that <paramref name="tokenId"/> completes; "" while a character is incomplete.</summary>
    public string Add(int tokenId)
    {
        _ids.Add(tokenId);
        var (prefix, text) = DecodeWindow();
        if (text.Length <= prefix.Length || text.EndsWith('\uFFFD')) return "";
        _prefixOffset = _readOffset;
        _readOffset = _ids.Count;
        return text[prefix.Length..];
    }

    /// <summary>Whatever is still held back at the end of the sequence (an incomplete character decodes to U+FFFD).</summary>
    public string Flush()
    {
        var (prefix, text) = DecodeWindow();
        _prefixOffset = _readOffset = _ids.Count;
        return text.Length > prefix.Length ? text[prefix.Length..] : "";
    }

    private (string Prefix, string Text) DecodeWindow()
    {
        var window = _ids.GetRange(_prefixOffset, _ids.Count - _prefixOffset);
        return (_tokenizer.Decode(window[..(_readOffset - _prefixOffset)], _skipSpecialTokens), _tokenizer.Decode(window, _skipSpecialTokens));
    }
}
