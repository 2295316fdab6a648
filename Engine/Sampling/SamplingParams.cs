using Engine.StructuredOutput;

namespace Engine.Sampling;

/// <summary>
/// Per-request sampling settings with vLLM's names, defaults and ranges.
/// Immutable; call <see cref="Validate"/> once at admission so bad values become a 4xx, not a crash mid-step.
/// </summary>
public sealed record SamplingParams
{
    /// <summary>The most stop token ids a request may give (each generated token is looked up in them).</summary>
    public const int MaxStopTokenIds = 256;

    /// <summary>Below this temperature sampling is greedy (vLLM's _SAMPLING_EPS).</summary>
    internal const float GreedyEpsilon = 1e-5f;

    /// <summary>Softmax temperature; 0 means greedy (argmax, ties go to the lowest id).</summary>
    public float Temperature { get; init; } = 1.0f;

    /// <summary>Nucleus sampling: keep the smallest set of most likely tokens whose mass reaches this, in (0, 1].</summary>
    public float TopP { get; init; } = 1.0f;

    /// <summary>Keep the k most likely tokens (and ties with the k-th); 0 or -1 turn it off.</summary>
    public int TopK { get; init; } = 0;

    /// <summary>Drop tokens whose probability is below this fraction of the most likely one's, in [0, 1].</summary>
    public float MinP { get; init; } = 0f;

    /// <summary>Seed of the request's own RNG: the same seed gives the same draws.</summary>
    public long? Seed { get; init; }

    /// <summary>HF/vLLM repetition penalty over prompt and output tokens: logit &gt; 0 ? logit / p : logit * p. Must be &gt; 0.</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Subtracted once from the logit of every token already generated, in [-2, 2].</summary>
    public float PresencePenalty { get; init; } = 0f;

    /// <summary>Subtracted from a token's logit once per time it was generated, in [-2, 2].</summary>
    public float FrequencyPenalty { get; init; } = 0f;

    /// <summary>Added to the logits of the given token ids (OpenAI's logit_bias).</summary>
    public IReadOnlyDictionary<int, float>? LogitBias { get; init; }

    /// <summary>The most tokens to generate, at least 1.</summary>
    public int MaxTokens { get; init; } = 16;

    /// <summary>EOS and stop token ids are masked until this many tokens were generated.</summary>
    public int MinTokens { get; init; } = 0;

    /// <summary>Token ids that end the sequence (besides EOS).</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Keep generating past EOS (EOS is then also not masked by <see cref="MinTokens"/>, as in vLLM).</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>null: no logprobs; k: the sampled token's logprob plus the k most likely tokens' logprobs.</summary>
    public int? Logprobs { get; init; }

    /// <summary>A grammar the output must match (structured outputs): each step masks the tokens it does not allow,
    /// and end-of-sequence is allowed only where the output is complete. Compile it with <c>LlmEngine.CompileGrammar</c>.</summary>
    public CompiledGrammar? StructuredOutput { get; init; }

    /// <summary>True when the temperature is so low that sampling is an argmax.</summary>
    public bool IsGreedy => Temperature < GreedyEpsilon;

    /// <summary>Greedy decoding of up to <paramref name="maxTokens"/> tokens.</summary>
    public static SamplingParams Greedy(int maxTokens) => new() { Temperature = 0f, MaxTokens = maxTokens };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first out-of-range parameter (its message names
    /// it as the OpenAI API does, so the API can pass it on as it is).</summary>
    public void Validate(int vocabSize)
    {
        if (vocabSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, "vocab size must be positive.");
        // Comparisons are written so NaN fails them too.
        Check(Temperature >= 0f, nameof(Temperature), $"'temperature' must be at least 0, got {Temperature}.");
        Check(float.IsFinite(Temperature), nameof(Temperature), $"'temperature' must be finite, got {Temperature}.");
        Check(TopP > 0f && TopP <= 1f, nameof(TopP), $"'top_p' must be in (0, 1], got {TopP}.");
        Check(TopK >= -1, nameof(TopK), $"'top_k' must be at least -1, got {TopK}.");
        Check(MinP >= 0f && MinP <= 1f, nameof(MinP), $"'min_p' must be between 0 and 1, got {MinP}.");
        Check(RepetitionPenalty > 0f, nameof(RepetitionPenalty), $"'repetition_penalty' must be greater than 0, got {RepetitionPenalty}.");
        Check(float.IsFinite(RepetitionPenalty), nameof(RepetitionPenalty), $"'repetition_penalty' must be finite, got {RepetitionPenalty}.");
        Check(PresencePenalty >= -2f && PresencePenalty <= 2f, nameof(PresencePenalty),
            $"'presence_penalty' must be between -2 and 2, got {PresencePenalty}.");
        Check(FrequencyPenalty >= -2f && FrequencyPenalty <= 2f, nameof(FrequencyPenalty),
            $"'frequency_penalty' must be between -2 and 2, got {FrequencyPenalty}.");
        Check(MaxTokens >= 1, nameof(MaxTokens), $"'max_tokens' must be at least 1, got {MaxTokens}.");
        Check(MinTokens >= 0, nameof(MinTokens), $"'min_tokens' must be at least 0, got {MinTokens}.");
        Check(MinTokens <= MaxTokens, nameof(MinTokens),
            $"'min_tokens' must be at most max_tokens ({MaxTokens}), got {MinTokens}.");
        Check(StopTokenIds is not null, nameof(StopTokenIds), $"'stop_token_ids' must not be null.");
        Check(StopTokenIds!.Count <= MaxStopTokenIds, nameof(StopTokenIds),
            $"'stop_token_ids' may have at most {MaxStopTokenIds} ids, got {StopTokenIds.Count}.");
        foreach (var id in StopTokenIds!)
            Check(id >= 0 && id < vocabSize, nameof(StopTokenIds),
                $"'stop_token_ids' contains {id}, outside the vocabulary [0, {vocabSize}).");
        if (LogitBias is not null)
            foreach (var (id, bias) in LogitBias)
            {
                Check(id >= 0 && id < vocabSize, nameof(LogitBias),
                    $"'logit_bias' contains token id {id}, outside the vocabulary [0, {vocabSize}).");
                Check(float.IsFinite(bias), nameof(LogitBias), $"'logit_bias' for token {id} must be finite, got {bias}.");
            }
        if (Logprobs is int k)
            Check(k >= 0 && k <= vocabSize, nameof(Logprobs), $"'logprobs' must be between 0 and {vocabSize}, got {k}.");
        if (StructuredOutput is { } grammar)
        {
            Check(grammar.VocabularySize == vocabSize, nameof(StructuredOutput),
                $"the structured output was compiled for a vocabulary of {grammar.VocabularySize}, not this model's {vocabSize}.");
            // A grammar ends the output with end-of-sequence; these would keep it from ending or from starting.
            Check(!IgnoreEos, nameof(IgnoreEos), $"'ignore_eos' cannot be combined with structured outputs (the output ends where the grammar completes).");
            Check(MinTokens == 0, nameof(MinTokens), $"'min_tokens' cannot be combined with structured outputs (the grammar decides where the output ends).");
        }
    }

    private static void Check(bool ok, string parameter, FormattableString message)
    {
        if (!ok) throw new ArgumentException(FormattableString.Invariant(message), parameter);
    }
}
