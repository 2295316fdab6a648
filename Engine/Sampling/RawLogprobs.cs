using System.Numerics.Tensors;

namespace Engine.Sampling;

/// <summary>Logprobs from the raw model logits (vLLM's default raw_logprobs): log_softmax before any processing.</summary>
internal static class RawLogprobs
{
    public static SampleResult Compute(int token, ReadOnlySpan<float> raw, int topCount, SamplingScratch scratch)
    {
        float logSumExp = LogSumExp(raw, scratch.Weights(raw.Length));
        var top = topCount == 0 ? [] : new TokenLogprob[topCount];
        if (topCount > 0)
        {
            var best = scratch.Tokens(topCount);
            TopKSelector.Largest(raw, topCount, best);
            for (int i = 0; i < topCount; i++) top[i] = new TokenLogprob(best[i].Id, best[i].Score - logSumExp);
        }
        return new SampleResult(token, raw[token] - logSumExp, top);
    }

    /// <summary>max + log(sum(exp(x - max))): stable for any logit scale.</summary>
    public static float LogSumExp(ReadOnlySpan<float> x, Span<float> scratch)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, scratch);
        TensorPrimitives.Exp(scratch, scratch);
        return max + MathF.Log(TensorPrimitives.Sum(scratch));
    }
}
