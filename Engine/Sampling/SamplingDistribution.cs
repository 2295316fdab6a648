using System.Numerics;
using System.Numerics.Tensors;

namespace Engine.Sampling;

/// <summary>
/// Temperature → top-k → top-p → min-p over already penalized logits, as in vLLM.
/// Works in z = (logit - max) / T, so the best token has z = 0 and weight exp(z) = 1; min-p (probability at least
/// min_p times the best one's) is then simply weight >= min_p, and the best token always survives every filter.
/// Each filter zeroes weights in one dense, vocabulary-sized vector; nothing sorts the whole vocabulary.
/// </summary>
internal static class SamplingDistribution
{
    /// <summary>Builds the filtered distribution; <paramref name="logits"/> is overwritten with z.</summary>
    public static FilteredDistribution Build(Span<float> logits, SamplingParams p, SamplingScratch scratch)
    {
        int n = logits.Length;
        float max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, logits);
        TensorPrimitives.Multiply(logits, 1f / p.Temperature, logits);
        var weights = scratch.Weights(n);
        TensorPrimitives.Exp(logits, weights);

        // top-k keeps every token tied with the k-th (vLLM masks logits < the k-th value).
        float kth = float.NegativeInfinity;
        if (p.TopK > 0 && p.TopK < n)
        {
            var top = scratch.Tokens(p.TopK);
            TopKSelector.Largest(logits, p.TopK, top);
            kth = top[^1].Score;
        }

        if (p.TopP < 1f)
        {
            // top-p measures mass over what top-k left; min-p comes after, on the same z.
            if (kth > float.NegativeInfinity) KeepAtLeast(logits, weights, kth, 0f);
            TopPFilter.Apply(logits, weights, p.TopP, scratch);
            if (p.MinP > 0f) KeepAtLeast(logits, weights, float.NegativeInfinity, p.MinP);
        }
        else if (kth > float.NegativeInfinity || p.MinP > 0f)
        {
            KeepAtLeast(logits, weights, kth, p.MinP);
        }
        return new FilteredDistribution(weights);
    }

    /// <summary>Zeroes the weight of every token with z below <paramref name="minZ"/> or weight below <paramref name="minWeight"/>.</summary>
    internal static void KeepAtLeast(ReadOnlySpan<float> z, Span<float> weights, float minZ, float minWeight)
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
