using System.Globalization;
using Engine.StructuredOutput.Automata;

namespace Engine.StructuredOutput.Json;

/// <summary>
/// JSON strings as expressions over their written form: characters raw as UTF-8 where JSON allows, escaped where it
/// must ('"', '\', control characters), and, in free text, any escape form (\n, \/, \u00e9, surrogate pairs).
/// Lengths count characters, each written however it is. Strings with a minimum length above one use only
/// characters that are a grapheme of their own: some validators (JsonSchema.Net) count graphemes, not code points,
/// and a combining mark would make the string shorter than it looks.
/// </summary>
internal static class JsonStrings
{
    private static readonly CodePointSet MustEscape = CodePointSet.Of((0, 0x1F), ('"', '"'), ('\\', '\\'));

    private static readonly Lazy<CodePointSet> StandaloneGraphemes = new(() => CodePointSet.All.Except(Combining()));

    private static readonly Lazy<Expr> AnyCharacter = new(() => Expr.Alt(
        Utf8Encoder.Encode(CodePointSet.All.Except(MustEscape)),
        Escape("\"\\/bfnrt"),
        Expr.Seq(Expr.Text("\\u"), UnicodeEscape())));

    private static readonly Lazy<Expr> StandaloneCharacter = new(() => Expr.Alt(
        Utf8Encoder.Encode(StandaloneGraphemes.Value.Except(MustEscape)),
        Escape("\"\\/bfnt")));

    /// <summary>A whole string, quotes included, of <paramref name="minLength"/> to <paramref name="maxLength"/> characters.</summary>
    public static Expr String(int minLength, int? maxLength) => Expr.Seq(Expr.Byte('"'), Content(minLength, maxLength), Expr.Byte('"'));

    /// <summary>What goes between the quotes.</summary>
    public static Expr Content(int minLength, int? maxLength) =>
        Expr.Repeat(minLength >= 2 ? StandaloneCharacter.Value : AnyCharacter.Value, minLength, maxLength);

    /// <summary>Characters of <paramref name="chars"/> as they are written inside a string: raw where allowed, else
    /// escaped (\" \\ \b \f \n \r \t, other controls as \u00XX). How a regex's characters go into a JSON string.</summary>
    public static Expr Encode(CodePointSet chars)
    {
        var options = new List<Expr> { Utf8Encoder.Encode(chars.Except(MustEscape)) };
        foreach (var (low, high) in chars.Intersect(MustEscape).Ranges)
            for (int c = low; c <= high; c++) options.Add(Expr.Text(EscapeOf(c)));
        return Expr.Alt(options);
    }

    private static string EscapeOf(int c) => c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\b' => "\\b",
        '\f' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => $"\\u{c:x4}",
    };

    private static Expr Escape(string letters) => Expr.Seq(Expr.Byte('\\'), Expr.Alt(letters.Select(Expr.Byte)));

    /// <summary>The four hex digits of a \u escape: any character but a surrogate, or a surrogate pair (\uD83D\uDE00).</summary>
    private static Expr UnicodeEscape()
    {
        Expr Hex(string digits) => Expr.Alt(digits.Select(Expr.Byte));
        var hex = Hex("0123456789abcdefABCDEF");
        return Expr.Alt(
            Expr.Seq(Hex("0123456789abcABCefEF"), hex, hex, hex),
            Expr.Seq(Hex("dD"), Hex("01234567"), hex, hex),
            Expr.Seq(Hex("dD"), Hex("89abAB"), hex, hex, Expr.Text("\\u"), Hex("dD"), Hex("cdefCDEF"), hex, hex));
    }

    /// <summary>Characters that join the grapheme before them (marks, joiners, emoji modifiers, Hangul jamo,
    /// regional indicators that pair up, Unicode's Prepend letters) or start one with the next.</summary>
    private static CodePointSet Combining()
    {
        var ranges = new List<(int, int)>();
        for (int c = 0; c <= CodePointSet.MaxCodePoint; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                or UnicodeCategory.EnclosingMark or UnicodeCategory.Format)
                ranges.Add((c, c));
        }
        return CodePointSet.Of(ranges.Concat([
            (0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF),   // Hangul jamo
            (0x1F1E6, 0x1F1FF), (0x1F3FB, 0x1F3FF), (0xFF9E, 0xFF9F), // regional indicators, skin tones, halfwidth sound marks
            (0x0E33, 0x0E33), (0x0EB3, 0x0EB3), (0x0D4E, 0x0D4E), (0x111C2, 0x111C3), (0x1193F, 0x1193F), (0x11941, 0x11941),
            (0x11A3A, 0x11A3A), (0x11A84, 0x11A89), (0x11D46, 0x11D46), (0x11F02, 0x11F02),
        ]));
    }
}
