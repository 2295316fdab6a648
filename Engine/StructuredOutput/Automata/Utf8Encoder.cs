using System.Text;

namespace Engine.StructuredOutput.Automata;

/// <summary>
/// A set of characters as an expression over UTF-8 bytes: each range is split until every piece is a sequence of
/// byte ranges (the way regex engines compile Unicode classes), so only valid UTF-8 is ever matched. A large set
/// comes back as its minimal automaton, a few states however many ranges it has.
/// </summary>
internal static class Utf8Encoder
{
    private const int InlineSequences = 8;

    private static readonly int[] LengthLimits = [0x7F, 0x7FF, 0xFFFF, CodePointSet.MaxCodePoint];

    public static Expr Encode(CodePointSet set)
    {
        var sequences = new List<Expr>();
        foreach (var (low, high) in set.Ranges) Split(low, high, sequences);
        var alternatives = Expr.Alt(sequences);
        return sequences.Count <= InlineSequences ? alternatives : new DfaExpr(DfaAlgebra.Compile(alternatives));
    }

    /// <summary>Splits [low, high] where the UTF-8 length changes, then where a continuation byte would not span its whole range.</summary>
    private static void Split(int low, int high, List<Expr> sequences)
    {
        foreach (int limit in LengthLimits)
            if (low <= limit && high > limit)
            {
                Split(low, limit, sequences);
                Split(limit + 1, high, sequences);
                return;
            }
        int length = Encoding.UTF8.GetByteCount(char.ConvertFromUtf32(low));
        for (int i = 1; i < length; i++)
        {
            int mask = (1 << (6 * i)) - 1;
            if ((low & ~mask) != (high & ~mask))
            {
                if ((low & mask) != 0)
                {
                    Split(low, low | mask, sequences);
                    Split((low | mask) + 1, high, sequences);
                    return;
                }
                if ((high & mask) != mask)
                {
                    Split(low, (high & ~mask) - 1, sequences);
                    Split(high & ~mask, high, sequences);
                    return;
                }
            }
        }
        var lowBytes = Encoding.UTF8.GetBytes(char.ConvertFromUtf32(low));
        var highBytes = Encoding.UTF8.GetBytes(char.ConvertFromUtf32(high));
        sequences.Add(Expr.Seq(lowBytes.Select((b, i) => Expr.Byte(ByteSet.Range(b, highBytes[i])))));
    }
}
