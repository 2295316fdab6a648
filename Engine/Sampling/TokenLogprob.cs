namespace Engine.Sampling;

/// <summary>A token id with its log-probability under the raw model distribution.</summary>
public readonly record struct TokenLogprob(int TokenId, float Logprob);
