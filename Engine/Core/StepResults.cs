using Engine.Sampling;

namespace Engine.Core;

/// <summary>What a step produced, by position in the step: sampled tokens, pooled vectors of finished pooling sequences,
/// and under speculative decoding each sequence's draft tokens and how many of them the target accepted (those come
/// before its sampled token).</summary>
public sealed record StepResults(SampleResult?[] Samples, float[]?[] Pooled, int[][] Drafts, int[] AcceptedDrafts);
