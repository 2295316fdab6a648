using Engine.Loading;

namespace Engine.Backends;

/// <summary>
/// A 2-D tensor owned by a backend (host memory for the CPU, device memory for a GPU).
/// Activations are F32 [tokens, features]; weights are [out, in] in their stored dtype.
/// Rows may be strided (a column slice of a fused q|k|v output); each row itself is contiguous.
/// Model code only passes tensors to backend ops; it never reads their memory.
/// </summary>
public abstract class Tensor(int rows, int cols, DType dtype, int rowStride)
{
    public int Rows { get; } = rows;
    public int Cols { get; } = cols;
    public DType DType { get; } = dtype;
    /// <summary>Elements from the start of one row to the start of the next.</summary>
    public int RowStride { get; } = rowStride;

    /// <summary>A view of the first <paramref name="rows"/> rows (a step uses only part of the max-batch buffers).</summary>
    public abstract Tensor FirstRows(int rows);

    /// <summary>A view of columns [start, start + count) of every row.</summary>
    public abstract Tensor Columns(int start, int count);

    public override string ToString() => $"Tensor[{Rows}x{Cols} {DType}]";
}
