using System.Numerics;

namespace Engine.StructuredOutput.Matching;

/// <summary>Allowed-token bitmasks (bit i of word i / 64 = token i) and what they do to logits and weights.</summary>
internal static class TokenMask
{
    public static int Words(int tokens) => (tokens + 63) / 64;

    public static bool Get(ReadOnlySpan<ulong> mask, int token) => (mask[token >> 6] & (1UL << (token & 63))) != 0;

    public static void Set(Span<ulong> mask, int token) => mask[token >> 6] |= 1UL << (token & 63);

    public static bool IsEmpty(ReadOnlySpan<ulong> mask) => !mask.ContainsAnyExcept(0UL);

    /// <summary>Forbids every token outside the mask: its logit becomes -∞.</summary>
    public static void Apply(ReadOnlySpan<ulong> mask, Span<float> logits) => Keep(mask, logits, float.NegativeInfinity);

    /// <summary>Drops every token outside the mask from a distribution: its weight becomes 0.</summary>
    public static void ZeroOutside(ReadOnlySpan<ulong> mask, Span<float> weights) => Keep(mask, weights, 0f);

    private static void Keep(ReadOnlySpan<ulong> mask, Span<float> values, float dropped)
    {
        for (int w = 0; w < mask.Length; w++)
        {
            ulong bits = mask[w];
            if (bits == ulong.MaxValue) continue;
            int start = w * 64;
            if (start >= values.Length) break;
            int count = Math.Min(64, values.Length - start);
            if (bits == 0)
            {
                values.Slice(start, count).Fill(dropped);
                continue;
            }
            ulong missing = ~bits;
            while (missing != 0)
            {
                int bit = BitOperations.TrailingZeroCount(missing);
                if (bit >= count) break;
                values[start + bit] = dropped;
                missing &= missing - 1;
            }
        }
    }
}
