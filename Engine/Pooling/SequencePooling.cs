namespace Engine.Pooling;

/// <summary>
/// Pools one sequence's final hidden states (after the model's last norm, before any lm_head) while its prompt is
/// computed, chunk by chunk. A chunk that starts at position 0 starts over (the sequence was preempted and is
/// recomputed), so a mean never counts a position twice.
/// </summary>
public sealed class SequencePooling(PoolingType type)
{
    private double[] _sum = [];
    private float[]? _result;

    public PoolingType Type => type;

    /// <summary>Takes the hidden states of positions <paramref name="start"/> … start + rows − 1 (row-major, <paramref name="hidden"/>
    /// wide); <paramref name="completes"/>: they end the input, so the pooled vector is ready.</summary>
    public void Add(ReadOnlySpan<float> states, int hidden, int start, bool completes)
    {
        int rows = states.Length / hidden;
        if (type == PoolingType.Last)
        {
            if (completes) _result = states[((rows - 1) * hidden)..].ToArray();
            return;
        }
        if (start == 0 || _sum.Length != hidden) _sum = new double[hidden];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < hidden; i++) _sum[i] += states[r * hidden + i];
        if (completes) _result = _sum.Select(s => (float)(s / (start + rows))).ToArray();
    }

    /// <summary>The pooled vector, once the input's last chunk was added.</summary>
    public float[] Result => _result ?? throw new InvalidOperationException("The input has not been computed to its end yet.");
}
