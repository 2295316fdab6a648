using Engine.Sampling;

namespace Engine.Core;

/// <summary>What a step produced, by position in the step: sampled tokens, and pooled vectors of finished pooling sequences.</summary>
public sealed record StepResults(SampleResult?[] Samples, float[]?[] Pooled);
