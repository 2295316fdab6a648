using Engine.Models;

namespace GpuBench;

/// <summary>
/// The memory-bound ceiling of decoding: every step streams all weight matrices once (the lm_head included; the
/// embedding lookup reads one row) plus each sequence's K/V so far. At HBM bandwidth B a step of n sequences at
/// context L takes at least (weights + n · kv(L)) / B, so aggregate tok/s ≤ n · B / (weights + n · kv(L)).
/// </summary>
public sealed record Roofline(long WeightBytes, long KvBytesPerToken, double BytesPerSecond)
{
    /// <param name="weightBytesPerElement">2 for BF16; a block type's bytes per block / weights per block (Q4_K: 144/256).</param>
    public static Roofline For(ModelConfig c, double weightBytesPerElement, double terabytesPerSecond)
    {
        long kvPerToken = 2L * c.NumLayers * c.NumKvHeads * c.HeadDim * sizeof(float);   // K and V rows, F32 cache
        return new Roofline((long)(c.MatMulElements * weightBytesPerElement), kvPerToken, terabytesPerSecond * 1e12);
    }

    /// <summary>Upper bound on aggregate decode tok/s for <paramref name="sequences"/> sequences at mean context <paramref name="context"/>.</summary>
    public double TokensPerSecond(int sequences, double context) =>
        sequences * BytesPerSecond / (WeightBytes + sequences * context * KvBytesPerToken);
}
