using Engine.Loading;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>A quantized weight matrix on the CPU backend: row segments (q|k|v or gate|up fused, each part in its
/// own type, as a Q4_K_M file mixes Q4_K and Q6_K). DType is the first segment's.</summary>
internal sealed class CpuQuantizedMatrix(int rows, int cols, IReadOnlyList<QuantizedSegment> segments)
    : Tensor(rows, cols, segments[0].Type, cols)
{
    public IReadOnlyList<QuantizedSegment> Segments { get; } = segments;

    public override Tensor FirstRows(int rows) => throw new InvalidOperationException("Weights have no row views.");

    public override Tensor Columns(int start, int count) => throw new InvalidOperationException("Weights have no column views.");

    public override string ToString() => $"Tensor[{Rows}x{Cols} {string.Join("|", Segments.Select(s => s.Type).Distinct())}]";
}
