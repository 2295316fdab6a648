using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Engine.Sampling;

/// <summary>
/// Samples one sequence's tokens. It owns what must persist across steps: the RNG (so a seed reproduces the whole
/// sequence regardless of batching) and the output-token counts for penalties and min_tokens.
/// Not thread-safe; one call at a time per sequence.
/// </summary>
public sealed class SequenceSampler
{
    private readonly SamplingParams _params;
    private readonly int[] _maskedUntilMinTokens;
    private readonly int[] _biasIds;
    private readonly float[] _biasValues;
    private readonly Random _rng;
    private readonly Dictionary<int, int> _outputCounts = [];

    // Distinct prompt ∪ output ids for the repetition penalty; built on first use, rebuilt if the prompt list changes.
    private readonly HashSet<int> _seenIds = [];
    private IReadOnlyList<int>? _seenPrompt;
    private int _seenPromptCount;

    public SequenceSampler(SamplingParams p, IReadOnlyList<int> eosTokenIds)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(eosTokenIds);
        _params = p;
        // As in vLLM, ignore_eos takes EOS out of the stop set, so min_tokens does not mask it either.
        _maskedUntilMinTokens = p.IgnoreEos ? [.. p.StopTokenIds] : [.. p.StopTokenIds, .. eosTokenIds];
        _biasIds = p.LogitBias is null ? [] : [.. p.LogitBias.Keys];
        _biasValues = p.LogitBias is null ? [] : [.. _biasIds.Select(id => p.LogitBias[id])];
        _rng = p.Seed is long seed ? new Random(unchecked((int)seed ^ (int)(seed >> 32))) : new Random();
    }

    /// <summary>How many tokens were accepted so far.</summary>
    public int GeneratedCount { get; private set; }

    /// <summary>
    /// Picks the next token. <paramref name="logits"/> are this sequence's raw model logits (vocabulary length);
    /// they are overwritten. Call <see cref="Accept"/> with the token the engine keeps.
    /// </summary>
    public SampleResult Sample(Span<float> logits, IReadOnlyList<int> promptIds)
    {
        var scratch = SamplingScratch.ForCurrentThread;
        Span<float> raw = default;
        if (_params.Logprobs is not null)
        {
            raw = scratch.Raw(logits.Length);
            logits.CopyTo(raw);
        }

        ProcessLogits(logits, promptIds);
        int token = _params.IsGreedy
            ? TensorPrimitives.IndexOfMax(logits) // first index on ties = lowest id
            : SamplingDistribution.Build(logits, _params, scratch).Draw(_rng);

        return _params.Logprobs is int k
            ? RawLogprobs.Compute(token, raw, k, scratch)
            : new SampleResult(token, float.NaN, null);
    }

    /// <summary>Records a generated token for penalties and min_tokens.</summary>
    public void Accept(int tokenId)
    {
        GeneratedCount++;
        CollectionsMarshal.GetValueRefOrAddDefault(_outputCounts, tokenId, out _)++;
        if (_seenPrompt is not null) _seenIds.Add(tokenId);
    }

    /// <summary>min_tokens mask → repetition / presence / frequency penalties → logit_bias, in place.</summary>
    internal void ProcessLogits(Span<float> logits, IReadOnlyList<int> promptIds)
    {
        if (GeneratedCount < _params.MinTokens) LogitProcessors.Mask(logits, _maskedUntilMinTokens);
        if (_params.RepetitionPenalty != 1f)
            LogitProcessors.ApplyRepetitionPenalty(logits, SeenIds(promptIds), _params.RepetitionPenalty);
        if (_params.PresencePenalty != 0f || _params.FrequencyPenalty != 0f)
            LogitProcessors.ApplyPresenceFrequency(logits, _outputCounts, _params.PresencePenalty, _params.FrequencyPenalty);
        if (_biasIds.Length > 0) LogitProcessors.ApplyBias(logits, _biasIds, _biasValues);
    }

    private HashSet<int> SeenIds(IReadOnlyList<int> promptIds)
    {
        if (!ReferenceEquals(promptIds, _seenPrompt) || promptIds.Count != _seenPromptCount)
        {
            _seenIds.Clear();
            for (int i = 0; i < promptIds.Count; i++) _seenIds.Add(promptIds[i]);
            foreach (int id in _outputCounts.Keys) _seenIds.Add(id);
            _seenPrompt = promptIds;
            _seenPromptCount = promptIds.Count;
        }
        return _seenIds;
    }
}
