namespace Engine.StructuredOutput.Matching;

/// <summary>
/// What one automaton state allows, worked out once (xgrammar's adaptive token mask): the tokens its own rule
/// accepts whatever the stack below holds, stored as whichever is smallest of a list of them, a list of the valid
/// tokens it rejects, or a bitmask; and the uncertain tokens, which leave the rule mid-token (return to the caller,
/// or call another rule) and are checked against the actual stack each step.
/// </summary>
internal sealed class StateMask
{
    private readonly ulong[]? _bits;
    private readonly int[]? _ids;
    private readonly bool _rejectedIds;

    private StateMask(ulong[]? bits, int[]? ids, bool rejectedIds, int[] uncertain)
    {
        (_bits, _ids, _rejectedIds) = (bits, ids, rejectedIds);
        Uncertain = uncertain;
    }

    public int[] Uncertain { get; }

    /// <summary>Memory held, for the cache's budget.</summary>
    public long Bytes => (_bits?.Length ?? 0) * 8L + (_ids?.Length ?? 0) * 4L + Uncertain.Length * 4L + 64;

    public static StateMask From(ReadOnlySpan<ulong> accepted, TokenVocabulary vocabulary, int[] uncertain)
    {
        int count = 0, valid = 0;
        for (int w = 0; w < accepted.Length; w++)
        {
            count += System.Numerics.BitOperations.PopCount(accepted[w]);
            valid += System.Numerics.BitOperations.PopCount(vocabulary.ValidTokens[w]);
        }
        // A list costs 32 bits per token, the bitmask 1 bit per vocabulary entry.
        if (count * 32L <= vocabulary.Size) return new StateMask(null, Ids(accepted, vocabulary.ValidTokens, want: true), false, uncertain);
        if ((valid - count) * 32L <= vocabulary.Size) return new StateMask(null, Ids(accepted, vocabulary.ValidTokens, want: false), true, uncertain);
        return new StateMask(accepted.ToArray(), null, false, uncertain);
    }

    /// <summary>Writes the accepted tokens into <paramref name="mask"/>, replacing what it held.</summary>
    public void CopyTo(Span<ulong> mask, TokenVocabulary vocabulary)
    {
        if (_bits is not null) _bits.CopyTo(mask);
        else if (_rejectedIds) WithoutRejected(mask, vocabulary, (_, allowed) => allowed);
        else
        {
            mask.Clear();
            foreach (int id in _ids!) TokenMask.Set(mask, id);
        }
    }

    /// <summary>Adds the accepted tokens to <paramref name="mask"/>.</summary>
    public void OrInto(Span<ulong> mask, TokenVocabulary vocabulary)
    {
        if (_bits is not null)
            for (int w = 0; w < mask.Length; w++) mask[w] |= _bits[w];
        else if (_rejectedIds) WithoutRejected(mask, vocabulary, (old, allowed) => old | allowed);
        else
            foreach (int id in _ids!) TokenMask.Set(mask, id);
    }

    /// <summary>Word by word, the valid tokens minus the (sorted) rejected ids, combined into the mask.</summary>
    private void WithoutRejected(Span<ulong> mask, TokenVocabulary vocabulary, Func<ulong, ulong, ulong> combine)
    {
        int k = 0;
        for (int w = 0; w < mask.Length; w++)
        {
            ulong rejected = 0;
            while (k < _ids!.Length && _ids[k] >> 6 == w) rejected |= 1UL << (_ids[k++] & 63);
            mask[w] = combine(mask[w], vocabulary.ValidTokens[w] & ~rejected);
        }
    }

    private static int[] Ids(ReadOnlySpan<ulong> accepted, ReadOnlySpan<ulong> valid, bool want)
    {
        var ids = new List<int>();
        for (int w = 0; w < accepted.Length; w++)
        {
            ulong bits = want ? accepted[w] : valid[w] & ~accepted[w];
            while (bits != 0)
            {
                ids.Add(w * 64 + System.Numerics.BitOperations.TrailingZeroCount(bits));
                bits &= bits - 1;
            }
        }
        return [.. ids];
    }
}
