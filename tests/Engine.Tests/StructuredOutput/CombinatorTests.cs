using System.Text.Json;
using Engine.StructuredOutput;

namespace Engine.Tests.StructuredOutput;

/// <summary>
/// Composed grammars (text, choice, sequence, repeat with separators, with a JSON schema inside, as tool calls are
/// built) against a plain backtracking matcher written here: on random strings over their alphabet, the automaton
/// accepts exactly what the reference accepts.
/// </summary>
public class CombinatorTests
{
    /// <summary>The reference: a grammar as a function from a string and a start offset to every end offset it can reach.</summary>
    private delegate IEnumerable<int> Reference(string text, int at);

    private static Reference Text(string literal) => (s, at) => string.CompareOrdinal(s, at, literal, 0, literal.Length) == 0 && at + literal.Length <= s.Length ? [at + literal.Length] : [];

    private static Reference Choice(params Reference[] options) => (s, at) => options.SelectMany(o => o(s, at)).Distinct();

    private static Reference Sequence(params Reference[] parts) => (s, at) =>
        parts.Aggregate((IEnumerable<int>)[at], (ends, part) => ends.SelectMany(e => part(s, e)).Distinct().ToList());

    private static Reference Repeat(Reference item, int min, int? max, Reference? separator) => (s, at) =>
    {
        var results = new HashSet<int>();
        var frontier = new HashSet<int> { at };
        if (min == 0) results.Add(at);
        for (int count = 1; frontier.Count > 0 && (max is null || count <= max) && count <= s.Length + 1; count++)
        {
            var step = count == 1 || separator is null ? item : Sequence(separator, item);
            frontier = frontier.SelectMany(e => step(s, e)).ToHashSet();
            if (count >= min) results.UnionWith(frontier);
        }
        return results;
    };

    public static TheoryData<int> Cases() => [0, 1, 2, 3, 4];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ComposedGrammar_AcceptsWhatTheReferenceAccepts(int index)
    {
        var (grammar, reference, alphabet) = index switch
        {
            0 => (Grammar.Choice(["ab", "a", "abc", ""]), Choice(Text("ab"), Text("a"), Text("abc"), Text("")), "abc"),
            1 => (Grammar.Sequence(Grammar.Text("<"), Grammar.Repeat(Grammar.Choice(["x", "yz"]), 1, 3, Grammar.Text(",")), Grammar.Text(">")),
                  Sequence(Text("<"), Repeat(Choice(Text("x"), Text("yz")), 1, 3, Text(",")), Text(">")), "<>xyz,"),
            2 => (Grammar.Repeat(Grammar.Sequence(Grammar.Text("a"), Grammar.Repeat(Grammar.Text("b"), 0, null)), 0, null, Grammar.Text(";")),
                  Repeat(Sequence(Text("a"), Repeat(Text("b"), 0, null, null)), 0, null, Text(";")), "ab;"),
            3 => (Grammar.Sequence(Grammar.Repeat(Grammar.Text("ab"), 2, 2), Grammar.Choice(Grammar.Text("a"), Grammar.Sequence(Grammar.Text("b"), Grammar.Text("a")))),
                  Sequence(Repeat(Text("ab"), 2, 2, null), Choice(Text("a"), Sequence(Text("b"), Text("a")))), "ab"),
            _ => (Grammar.Sequence(Grammar.Text("<tool_call>"), Grammar.Json(JsonSerializer.SerializeToElement(new { @enum = new object[] { 1, "x", true } })), Grammar.Text("</tool_call>")),
                  Sequence(Text("<tool_call>"), Choice(Text("1"), Text("\"x\""), Text("true")), Text("</tool_call>")), "<tool_call>/1\"xtrue"),
        };
        var compiled = ByteMatcher.Compile(grammar);
        var random = new Random(index);
        var samples = Enumerable.Range(0, 4000).Select(_ => new string([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)])]))
            .Concat(index == 4 ? ["<tool_call>1</tool_call>", "<tool_call>\"x\"</tool_call>", "<tool_call>true</tool_call>"] : []);
        foreach (var text in samples)
            Assert.True(ByteMatcher.Matches(compiled, text) == reference(text, 0).Contains(text.Length), $"grammar {index} on '{text}'");
    }
}
