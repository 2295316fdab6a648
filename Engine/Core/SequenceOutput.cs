using Engine.Sampling;

namespace Engine.Core;

/// <summary>One generated token of a request (the last one carries the finish reason); for a pooling sequence, its
/// one output: the pooled hidden state (TokenId -1).</summary>
public sealed record SequenceOutput(int TokenId, float Logprob, IReadOnlyList<TokenLogprob>? TopLogprobs, FinishReason? FinishReason)
{
    public float[]? Pooled { get; init; }
}
