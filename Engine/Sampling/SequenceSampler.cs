using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Engine.StructuredOutput.Matching;

namespace Engine.Sampling;

/// <summary>
/// Samples one sequence's tokens. It owns what must persist across steps: the RNG (so a seed reproduces the whole
/// sequence regardless of batching), the output-token counts for penalties and min_tokens, and the position in the
/// structured-output grammar. Not thread-safe; one call at a time per sequence.
/// </summary>
public sealed class SequenceSampler
{
    private readonly SamplingParams _params;
    private readonly int[] _maskedUntilMinTokens;
    private readonly int[] _biasIds;
    private readonly float[] _biasValues;
    private readonly Random _rng;
    private readonly Dictionary<int, int> _outputCounts = [];
    private readonly GrammarMatcher? _grammar;
    private readonly int[] _endIds;

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
        _grammar = p.StructuredOutput is { } grammar ? new GrammarMatcher(grammar) : null;
        _endIds = [.. eosTokenIds.Concat(p.StopTokenIds).Distinct()];
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
        Span<ulong> allowed = default;
        if (_grammar is not null)
        {
            allowed = scratch.Mask(TokenMask.Words(logits.Length));
            _grammar.FillMask(allowed);
            AllowEndIfComplete(allowed);
            TokenMask.Apply(allowed, logits);
        }
        int token;
        if (_params.IsGreedy)
        {
            token = TensorPrimitives.IndexOfMax(logits); // first index on ties = lowest id
            if (_grammar is not null && !FitsInBudget(token) && RestrictToBudget(allowed))
            {
                TokenMask.Apply(allowed, logits);
                token = TensorPrimitives.IndexOfMax(logits);
            }
        }
        else
        {
            token = SamplingDistribution.Build(logits, _params, scratch).Draw(_rng);
            if (_grammar is not null && !FitsInBudget(token) && RestrictToBudget(allowed))
                token = DrawWithin(allowed, logits, scratch.Weights(logits.Length));
        }

        return _params.Logprobs is int k
            ? RawLogprobs.Compute(token, raw, k, scratch)
            : new SampleResult(token, float.NaN, null);
    }

    /// <summary>Whether draft tokens may be verified for this sequence: only when its next tokens' distributions do not depend
    /// on one another. Penalties, min_tokens still pending and a grammar change with every accepted token, and logprobs
    /// are reported per sampled token; such sequences decode without speculation rather than differently.</summary>
    public bool AcceptsDrafts => _grammar is null && _params.Logprobs is null && _params.RepetitionPenalty == 1f
        && _params.PresencePenalty == 0f && _params.FrequencyPenalty == 0f && GeneratedCount >= _params.MinTokens;

    /// <summary>
    /// Speculative decoding's verification. Row j of <paramref name="logits"/> (rows of <paramref name="vocab"/>) holds the
    /// logits that follow draft token j-1 (row 0: the sequence's last token); there is one row more than draft tokens.
    /// Greedy: drafts are accepted while they are the argmax, then the argmax is emitted. Sampled: the draft is a point
    /// mass, so draft token x is accepted with probability p(x), and on rejection the token is drawn from p without x
    /// (renormalised): this is rejection sampling for a deterministic proposal, and keeps every token distributed exactly as
    /// p. Returns how many drafts were accepted and the token that follows them. Only for <see cref="AcceptsDrafts"/>.
    /// </summary>
    public (int Accepted, int Token) Verify(Span<float> logits, int vocab, ReadOnlySpan<int> draft, IReadOnlyList<int> promptIds)
    {
        var scratch = SamplingScratch.ForCurrentThread;
        for (int j = 0; ; j++)
        {
            var row = logits.Slice(j * vocab, vocab);
            ProcessLogits(row, promptIds);
            bool proposed = j < draft.Length;
            if (_params.IsGreedy)
            {
                int best = TensorPrimitives.IndexOfMax(row);
                if (proposed && best == draft[j]) continue;
                return (j, best);
            }
            var distribution = SamplingDistribution.Build(row, _params, scratch);
            if (!proposed) return (j, distribution.Draw(_rng));
            var weights = scratch.Weights(vocab);
            int x = draft[j];
            if (_rng.NextDouble() * TensorPrimitives.Sum(weights) < weights[x]) continue;
            weights[x] = 0f;
            return (j, new FilteredDistribution(weights).Draw(_rng));
        }
    }

    /// <summary>Records a generated token for penalties, min_tokens and the grammar.</summary>
    public void Accept(int tokenId)
    {
        GeneratedCount++;
        CollectionsMarshal.GetValueRefOrAddDefault(_outputCounts, tokenId, out _)++;
        if (_seenPrompt is not null) _seenIds.Add(tokenId);
        if (_grammar is not null && !_endIds.Contains(tokenId)) _grammar.Accept(tokenId);
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

    private void AllowEndIfComplete(Span<ulong> allowed)
    {
        if (!_grammar!.IsComplete) return;
        foreach (int id in _endIds)
            if ((uint)id < (uint)allowed.Length * 64) TokenMask.Set(allowed, id);
    }

    /// <summary>Whether, after <paramref name="token"/>, what is left of max_tokens can still complete the output and end
    /// it (every byte is a token of its own in both tokenizer kinds, so bytes bound the tokens needed), or, when even
    /// that is too late, whether the token is all progress towards the end.</summary>
    private bool FitsInBudget(int token)
    {
        if (_endIds.Contains(token)) return true;
        int left = _params.MaxTokens - GeneratedCount - 1;
        if (_grammar!.DistanceAfter(token) is not int distance) return true;
        return distance + 1 <= left || distance + _grammar.TokenLength(token) <= _grammar.Distance;
    }

    /// <summary>Narrows <paramref name="allowed"/> to the tokens that keep the output completable in time (see
    /// <see cref="FitsInBudget"/>); false when none does, and the draw stands.</summary>
    private bool RestrictToBudget(Span<ulong> allowed)
    {
        int left = _params.MaxTokens - GeneratedCount - 1;
        _grammar!.FillMaskWithin(allowed, left - 1);
        AllowEndIfComplete(allowed);
        return !TokenMask.IsEmpty(allowed);
    }

    /// <summary>Draws again from the filtered distribution without the tokens outside <paramref name="allowed"/>; if
    /// top-k/top-p dropped them all, takes the most likely allowed one (<paramref name="z"/> are the scaled logits).</summary>
    private int DrawWithin(ReadOnlySpan<ulong> allowed, Span<float> z, Span<float> weights)
    {
        TokenMask.ZeroOutside(allowed, weights);
        if (TensorPrimitives.Max(weights) > 0f) return new FilteredDistribution(weights).Draw(_rng);
        TokenMask.Apply(allowed, z);
        return TensorPrimitives.IndexOfMax(z);
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
