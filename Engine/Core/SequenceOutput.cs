using Engine.Sampling;

namespace Engine.Core;

/// <summary>One generated token of a request (the last one carries the finish reason), or an error.</summary>
public sealed record SequenceOutput(int TokenId, float Logprob, IReadOnlyList<TokenLogprob>? TopLogprobs, FinishReason? FinishReason);
