namespace Engine.Backends;

/// <summary>Precomputed cos/sin per position and frequency ([maxPositions, headDim/2] each), on the backend.</summary>
public sealed record RotaryTable(Tensor Cos, Tensor Sin, int HeadDim);
