namespace Engine.Sampling;

/// <summary>
/// The logit edits that come before temperature, in vLLM's formulas. Each touches only the listed ids,
/// so their cost is independent of the vocabulary size. Ids outside the logits are skipped: the model cannot emit them.
/// </summary>
internal static class LogitProcessors
{
    /// <summary>Forbids the ids (min_tokens: EOS and stop ids cannot be sampled yet).</summary>
    public static void Mask(Span<float> logits, ReadOnlySpan<int> ids)
    {
        foreach (int id in ids)
            if ((uint)id < (uint)logits.Length) logits[id] = float.NegativeInfinity;
    }

    /// <summary>HF/vLLM repetition penalty, applied once per distinct id: positive logits shrink, negative ones grow.</summary>
    public static void ApplyRepetitionPenalty(Span<float> logits, HashSet<int> distinctIds, float penalty)
    {
        foreach (int id in distinctIds)
        {
            if ((uint)id >= (uint)logits.Length) continue;
            float x = logits[id];
            logits[id] = x > 0f ? x / penalty : x * penalty;
        }
    }

    /// <summary>OpenAI presence/frequency penalties over generated tokens: logit -= frequency * count + presence * (count > 0).</summary>
    public static void ApplyPresenceFrequency(Span<float> logits, Dictionary<int, int> outputCounts, float presence, float frequency)
    {
        foreach (var (id, count) in outputCounts)
        {
            if ((uint)id >= (uint)logits.Length || count <= 0) continue;
            logits[id] -= frequency * count + presence;
        }
    }

    /// <summary>Adds the request's logit_bias.</summary>
    public static void ApplyBias(Span<float> logits, ReadOnlySpan<int> ids, ReadOnlySpan<float> biases)
    {
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] < (uint)logits.Length) logits[ids[i]] += biases[i];
    }
}
