namespace Engine.Sampling;

/// <summary>
/// The sampled token. <see cref="Logprob"/> is its raw log-probability and <see cref="TopLogprobs"/> the k most
/// likely tokens (descending), both only when <see cref="SamplingParams.Logprobs"/> is set; otherwise
/// <see cref="Logprob"/> is NaN and <see cref="TopLogprobs"/> null (computing them costs a pass over the vocabulary).
/// </summary>
public readonly record struct SampleResult(int TokenId, float Logprob, IReadOnlyList<TokenLogprob>? TopLogprobs);
