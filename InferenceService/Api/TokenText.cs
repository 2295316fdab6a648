using Engine.Tokenization;

namespace InferenceService.Api;

/// <summary>
/// The text a token adds after the token before it (" there", not "there": SentencePiece drops a word's
/// leading space at the start of a decode), for logprobs.
/// </summary>
public static class TokenText
{
    public static string After(ITextTokenizer tokenizer, int? previous, int token)
    {
        if (previous is not { } p) return tokenizer.Decode([token], skipSpecialTokens: false);
        string before = tokenizer.Decode([p], skipSpecialTokens: false);
        string both = tokenizer.Decode([p, token], skipSpecialTokens: false);
        return both.StartsWith(before, StringComparison.Ordinal) ? both[before.Length..] : tokenizer.Decode([token], skipSpecialTokens: false);
    }
}
