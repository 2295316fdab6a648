using System.Buffers;

namespace Engine.Tokenization;

/// <summary>Cuts added tokens out of text, leftmost first and longest at a position (as Hugging Face's
/// Aho-Corasick matcher does), so "&lt;|eot_id|&gt;" written in a prompt becomes one id.</summary>
internal sealed class AddedTokenSplitter
{
    private readonly SearchValues<string>? _starts;
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        var usable = tokens.Where(t => t.Content.Length > 0).ToArray();
        _byFirstChar = usable.GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        if (usable.Length > 0) _starts = SearchValues.Create(usable.Select(t => t.Content).ToArray(), StringComparison.Ordinal);
    }

    /// <summary>The text as a sequence of plain pieces (Token null) and added tokens, in order.</summary>
    public IEnumerable<(int Start, int Length, AddedToken? Token)> Split(string text)
    {
        int position = 0;
        while (position < text.Length)
        {
            int found = _starts is null ? -1 : text.AsSpan(position).IndexOfAny(_starts);
            if (found < 0) break;
            int at = position + found;
            var token = _byFirstChar[text[at]].First(t => text.AsSpan(at).StartsWith(t.Content, StringComparison.Ordinal));
            if (at > position) yield return (position, at - position, null);
            yield return (at, token.Content.Length, token);
            position = at + token.Content.Length;
        }
        if (position < text.Length) yield return (position, text.Length - position, null);
    }
}
