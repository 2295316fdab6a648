using System.Numerics;
using System.Numerics.Tensors;

namespace Inference.Engine.Sampling;

/// <summary>
/// Temperature → top-k → top-p → min-p over already penalized logits, as in vLLM.
/// Works in z = (logit - max) / T, so the best token has z = 0 and weight exp(z) = 1; min-p is then simply weight >= min_p.
/// Nothing sorts the whole vocabulary: top-k uses a heap, top-p sorts only the candidates above a threshold.
/// </summary>
internal static class SamplingDistribution
{
    // z thresholds tried for top-p candidates; the last takes every token, so the result is always right.
    private static readonly float[] CandidateThresholds = [-2f, -6f, -12f, -24f, float.NegativeInfinity];

    /// <summary>Builds the filtered distribution; <paramref name="logits"/> is overwritten with z.</summary>
    public static FilteredDistribution Build(Span<float> logits, SamplingParams p, SamplingScratch scratch)
    {
        int n = logits.Length;
        float max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, logits);
        TensorPrimitives.Multiply(logits, 1f / p.Temperature, logits);
        var weights = scratch.Weights(n);
        TensorPrimitives.Exp(logits, weights);

        // top-k keeps every token tied with the k-th (vLLM masks logits < k-th value).
        float kth = float.NegativeInfinity;
        if (p.TopK > 0 && p.TopK < n)
        {
            var top = scratch.Tokens(p.TopK);
            TopKSelector.Largest(logits, p.TopK, top);
            kth = top[^1].Score;
        }

        if (p.TopP >= 1f)
        {
            if (kth > float.NegativeInfinity || p.MinP > 0f) KeepAtLeast(logits, weights, kth, p.MinP);
            return FilteredDistribution.Dense(weights);
        }
        if (kth > float.NegativeInfinity) KeepAtLeast(logits, weights, kth, 0f);
        return TopP(logits, weights, p.TopP, p.MinP, scratch);
    }

    /// <summary>
    /// vLLM's rule: walking best first, a token is kept while the mass before it is below top_p (the token that reaches
    /// top_p is kept; at least one always is). min-p then trims the tail of that same best-first list.
    /// </summary>
    private static FilteredDistribution TopP(ReadOnlySpan<float> z, ReadOnlySpan<float> weights, float topP, float minP,
        SamplingScratch scratch)
    {
        double target = topP * (double)TensorPrimitives.Sum(weights);
        var candidates = scratch.Tokens(z.Length);
        int count = 0;
        double mass = 0;
        float upper = float.PositiveInfinity;
        // All tokens with z >= tau are a best-first prefix; once its mass reaches the target the nucleus lies inside it.
        foreach (float tau in CandidateThresholds)
        {
            for (int i = 0; i < z.Length; i++)
            {
                float zi = z[i];
                if (zi >= tau && zi < upper && weights[i] > 0f)
                {
                    candidates[count++] = new ScoredToken(i, zi);
                    mass += weights[i];
                }
            }
            if (mass >= target) break;
            upper = tau;
        }

        var sorted = candidates[..count];
        sorted.Sort(ScoredToken.BestFirst);
        int kept = 0;
        double before = 0;
        while (kept < sorted.Length && before < target) before += weights[sorted[kept++].Id];
        // The best token weighs exactly 1 >= min_p, so at least one survives.
        while (kept > 1 && weights[sorted[kept - 1].Id] < minP) kept--;
        return FilteredDistribution.Sorted(weights, sorted[..kept]);
    }

    /// <summary>Zeroes the weight of every token with z below <paramref name="minZ"/> or weight below <paramref name="minWeight"/>.</summary>
    private static void KeepAtLeast(ReadOnlySpan<float> z, Span<float> weights, float minZ, float minWeight)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var zMin = new Vector<float>(minZ);
            var wMin = new Vector<float>(minWeight);
            for (; i <= z.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var zv = new Vector<float>(z[i..]);
                var wv = new Vector<float>(weights[i..]);
                var keep = Vector.GreaterThanOrEqual(zv, zMin) & Vector.GreaterThanOrEqual(wv, wMin);
                Vector.ConditionalSelect(keep, wv, Vector<float>.Zero).CopyTo(weights[i..]);
            }
        }
        for (; i < z.Length; i++)
            if (!(z[i] >= minZ && weights[i] >= minWeight)) weights[i] = 0f;
    }
}
