using System.Globalization;
using Engine.StructuredOutput.Automata;

namespace Engine.StructuredOutput.Regex;

/// <summary>
/// A regex character class with its narrowest and widest readings: \d is [0-9] for JavaScript and .NET's
/// ECMAScript mode but every Unicode digit for .NET's default mode. Generation uses <see cref="Narrow"/>, so
/// whatever is generated matches under every reading; negation swaps the two (what [^\d] excludes is the widest \d).
/// Classes hold BMP characters only: .NET and JavaScript classes match one UTF-16 unit.
/// </summary>
internal sealed record CharClass(CodePointSet Narrow, CodePointSet Wide)
{
    public static CharClass Of(CodePointSet set) => new(set, set);

    public static CharClass Char(int codePoint) => Of(CodePointSet.Char(codePoint));

    public static CharClass Digit { get; } = new(CodePointSet.Of(('0', '9')), CodePointSet.Where(char.IsDigit).Union(CodePointSet.Of(('0', '9'))));

    public static CharClass Word { get; } = new(
        CodePointSet.Of(('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')),
        CodePointSet.Where(c => char.GetUnicodeCategory(c) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.Format
            || char.IsLetterOrDigit(c) || IsMark(c)).Union(CodePointSet.Of(('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_'))));

    public static CharClass Space { get; } = new(
        CodePointSet.Chars(" \t\n\r\v\f"),
        CodePointSet.Where(c => char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) is UnicodeCategory.SpaceSeparator
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator).Union(CodePointSet.Chars("\u0085\uFEFF\u180E\u200B")));

    /// <summary>'.': any character but line terminators (.NET stops only at \n, JavaScript at all four).</summary>
    public static CharClass Dot { get; } = new(CodePointSet.Bmp.Except(CodePointSet.Chars("\n\r\u2028\u2029")), CodePointSet.Bmp.Except(CodePointSet.Chars("\n")));

    public CharClass Negate() => new(CodePointSet.Bmp.Except(Wide), CodePointSet.Bmp.Except(Narrow));

    public CharClass Union(CharClass other) => new(Narrow.Union(other.Narrow), Wide.Union(other.Wide));

    private static bool IsMark(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark
        or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
