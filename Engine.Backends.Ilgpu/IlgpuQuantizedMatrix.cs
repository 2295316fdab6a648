using ILGPU;
using Engine.Loading;

namespace Engine.Backends.Ilgpu;

/// <summary>A block-quantized weight matrix in accelerator memory: row segments, each in one type (fused q|k|v or
/// gate|up whose parts differ, as in a Q4_K_M file; adjacent parts of one type share a segment), each stored as
/// <see cref="Kernels.IQuantizedFormat"/> describes. DType is the first segment's.</summary>
internal sealed class IlgpuQuantizedMatrix(int rows, int cols, IReadOnlyList<QuantizedSegment> segments)
    : Tensor(rows, cols, segments[0].Type, cols)
{
    public IReadOnlyList<QuantizedSegment> Segments { get; } = segments;

    public override Tensor FirstRows(int rows) => throw new InvalidOperationException("Weight matrices have no row views.");

    public override Tensor Columns(int start, int count) => throw new InvalidOperationException("Weight matrices have no column views.");

    public override string ToString() => $"Tensor[{Rows}x{Cols} {string.Join("|", Segments.Select(s => s.Type).Distinct())}]";
}

/// <summary>Rows [FirstRow, FirstRow + Rows) of a quantized matrix: their quant words and their parameter bytes.</summary>
internal sealed record QuantizedSegment(DType Type, int FirstRow, int Rows, ArrayView<uint> Quants, ArrayView<uint> Parameters);
