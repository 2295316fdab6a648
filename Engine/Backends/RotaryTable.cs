namespace Engine.Backends;

/// <summary>Precomputed cos/sin per position and frequency ([maxPositions, RotaryDim/2] each), on the backend. The first
/// RotaryDim dimensions of each head are rotated (pairs i and i + RotaryDim/2), the rest pass unchanged.</summary>
public sealed record RotaryTable(Tensor Cos, Tensor Sin, int HeadDim, int RotaryDim);
