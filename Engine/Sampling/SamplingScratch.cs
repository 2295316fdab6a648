namespace Engine.Sampling;

/// <summary>
/// Vocabulary-sized work buffers, one set per thread rather than per sequence: sampling a sequence is synchronous,
/// and hundreds of running sequences each holding ~1 MB for a 128k vocabulary would waste memory.
/// Buffers only grow, so steady-state sampling allocates nothing.
/// </summary>
internal sealed class SamplingScratch
{
    [ThreadStatic] private static SamplingScratch? t_current;

    private float[] _raw = [];
    private float[] _weights = [];
    private ScoredToken[] _tokens = [];
    private ulong[] _mask = [];

    public static SamplingScratch ForCurrentThread => t_current ??= new SamplingScratch();

    /// <summary>A copy of the raw logits, kept for logprobs.</summary>
    public Span<float> Raw(int n) => Grow(ref _raw, n).AsSpan(0, n);

    /// <summary>Unnormalized probabilities (exp of scaled logits), indexed by token id.</summary>
    public Span<float> Weights(int n) => Grow(ref _weights, n).AsSpan(0, n);

    /// <summary>Candidate tokens for top-k / top-p / top logprobs.</summary>
    public Span<ScoredToken> Tokens(int n) => Grow(ref _tokens, n).AsSpan(0, n);

    /// <summary>An allowed-token bitmask (structured outputs), one bit per token.</summary>
    public Span<ulong> Mask(int words) => Grow(ref _mask, words).AsSpan(0, words);

    private static T[] Grow<T>(ref T[] buffer, int n)
    {
        if (buffer.Length < n) buffer = new T[n];
        return buffer;
    }
}
