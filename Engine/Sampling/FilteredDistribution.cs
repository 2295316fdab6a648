using System.Numerics.Tensors;

namespace Engine.Sampling;

/// <summary>The distribution left after temperature / top-k / top-p / min-p: unnormalized weights by token id, 0 = dropped.</summary>
internal readonly ref struct FilteredDistribution(ReadOnlySpan<float> weights)
{
    // Blocks let the draw find the right region with vectorized sums and walk only one block element by element.
    private const int Block = 1024;

    private readonly ReadOnlySpan<float> _weights = weights;

    /// <summary>Inverse-CDF draw with one uniform from <paramref name="rng"/>, so a seeded RNG gives reproducible tokens.</summary>
    public int Draw(Random rng)
    {
        int n = _weights.Length;
        double total = 0;
        for (int start = 0; start < n; start += Block)
            total += TensorPrimitives.Sum(_weights.Slice(start, Math.Min(Block, n - start)));
        double u = rng.NextDouble() * total, cumulative = 0;
        // Same block sums in the same order as the total, so u < total always lands in some block.
        for (int start = 0; start < n; start += Block)
        {
            var block = _weights.Slice(start, Math.Min(Block, n - start));
            double blockSum = TensorPrimitives.Sum(block);
            if (u < cumulative + blockSum) return start + WalkBlock(block, u - cumulative);
            cumulative += blockSum;
        }
        // Only for degenerate weights (all 0 or NaN).
        return TensorPrimitives.IndexOfMax(_weights);
    }

    /// <summary>Writes normalized probabilities by token id (for tests and diagnostics).</summary>
    public void CopyProbabilitiesTo(Span<float> probabilities) =>
        TensorPrimitives.Divide(_weights, TensorPrimitives.Sum(_weights), probabilities);

    private static int WalkBlock(ReadOnlySpan<float> block, double u)
    {
        double cumulative = 0;
        int lastPositive = 0;
        for (int i = 0; i < block.Length; i++)
        {
            if (block[i] <= 0f) continue;
            cumulative += block[i];
            if (u < cumulative) return i;
            lastPositive = i;
        }
        // The vectorized block sum may round slightly above this scalar one.
        return lastPositive;
    }
}
