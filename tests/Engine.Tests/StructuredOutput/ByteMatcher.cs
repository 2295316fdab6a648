using System.Text;
using Engine.StructuredOutput;
using Engine.StructuredOutput.Matching;

namespace Engine.Tests.StructuredOutput;

/// <summary>Grammars over a vocabulary of the 256 single bytes, so that a matcher reads any byte string exactly.</summary>
public static class ByteMatcher
{
    public static TokenVocabulary Bytes { get; } = new(256, [.. Enumerable.Range(0, 256).Select(b => new[] { (byte)b })]);

    public static CompiledGrammar Compile(Grammar grammar) => GrammarCompiler.Compile(grammar, Bytes);

    /// <summary>Whether the grammar matches exactly these bytes.</summary>
    public static bool Matches(CompiledGrammar grammar, ReadOnlySpan<byte> input)
    {
        var matcher = new GrammarMatcher(grammar);
        foreach (byte b in input)
            if (!matcher.Accept(b)) return false;
        return matcher.IsComplete;
    }

    public static bool Matches(CompiledGrammar grammar, string text) => Matches(grammar, Encoding.UTF8.GetBytes(text));
}
