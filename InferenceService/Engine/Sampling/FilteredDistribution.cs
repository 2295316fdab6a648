using System.Numerics.Tensors;

namespace Inference.Engine.Sampling;

/// <summary>
/// The distribution left after temperature / top-k / top-p / min-p, as unnormalized weights by token id.
/// Dense form: every id, dropped ones weigh 0. Sorted form: only the kept ids, best first (top-p had to sort them).
/// </summary>
internal readonly ref struct FilteredDistribution
{
    // Blocks let the dense draw find the right region with vectorized sums and walk only one block element by element.
    private const int Block = 1024;

    private readonly ReadOnlySpan<float> _weights;
    private readonly ReadOnlySpan<ScoredToken> _kept;
    private readonly bool _sorted;

    private FilteredDistribution(ReadOnlySpan<float> weights, ReadOnlySpan<ScoredToken> kept, bool sorted)
    {
        _weights = weights;
        _kept = kept;
        _sorted = sorted;
    }

    public static FilteredDistribution Dense(ReadOnlySpan<float> weights) => new(weights, default, false);

    public static FilteredDistribution Sorted(ReadOnlySpan<float> weights, ReadOnlySpan<ScoredToken> kept) =>
        new(weights, kept, true);

    /// <summary>Inverse-CDF draw with one uniform from <paramref name="rng"/>, so a seeded RNG gives reproducible tokens.</summary>
    public int Draw(Random rng) => _sorted ? DrawSorted(rng.NextDouble()) : DrawDense(rng.NextDouble());

    /// <summary>Writes normalized probabilities by token id (for tests and diagnostics).</summary>
    public void CopyProbabilitiesTo(Span<float> probabilities)
    {
        probabilities.Clear();
        if (_sorted)
        {
            double total = 0;
            foreach (var t in _kept) total += _weights[t.Id];
            foreach (var t in _kept) probabilities[t.Id] = (float)(_weights[t.Id] / total);
        }
        else
        {
            TensorPrimitives.Divide(_weights, TensorPrimitives.Sum(_weights), probabilities);
        }
    }

    private int DrawSorted(double uniform)
    {
        double total = 0;
        foreach (var t in _kept) total += _weights[t.Id];
        double u = uniform * total, cumulative = 0;
        // Same summation order as the total, so u < total guarantees a hit unless the total is 0 or NaN.
        foreach (var t in _kept)
        {
            cumulative += _weights[t.Id];
            if (u < cumulative) return t.Id;
        }
        return _kept[0].Id;
    }

    private int DrawDense(double uniform)
    {
        int n = _weights.Length;
        double total = 0;
        for (int start = 0; start < n; start += Block)
            total += TensorPrimitives.Sum(_weights.Slice(start, Math.Min(Block, n - start)));
        double u = uniform * total, cumulative = 0;
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
