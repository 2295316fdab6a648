using Engine.Loading;

namespace Engine.Backends.Cpu;

/// <summary>
/// A tensor in (64-byte aligned) host memory. Activations and plain data are row-major (rows may be strided);
/// weight matrices are packed (see <see cref="PackedLayout"/>) so matmuls read them as one sequential stream.
/// </summary>
internal sealed unsafe class CpuTensor(int rows, int cols, DType dtype, int rowStride, byte* data, NativeBuffer owner, bool packed = false)
    : Tensor(rows, cols, dtype, rowStride)
{
    public byte* Data { get; } = data;
    public NativeBuffer Owner { get; } = owner;
    public bool Packed { get; } = packed;

    public float* Row(int row) => (float*)RowBytes(row);
    public byte* RowBytes(int row) => Data + (long)row * RowStride * DType.Size();
    public Span<float> RowSpan(int row) => new(Row(row), Cols);

    public static CpuTensor Allocate(int rows, int cols, DType dtype)
    {
        var buffer = new NativeBuffer((long)rows * cols * dtype.Size());
        return new CpuTensor(rows, cols, dtype, cols, (byte*)buffer.Pointer, buffer);
    }

    public static CpuTensor AllocatePacked(int rows, int cols, DType dtype)
    {
        var buffer = new NativeBuffer(PackedLayout.Elements(rows, cols) * dtype.Size());
        System.Runtime.InteropServices.NativeMemory.Clear(buffer.Pointer, (nuint)buffer.Length);   // zero padding
        return new CpuTensor(rows, cols, dtype, PackedLayout.PaddedCols(cols), (byte*)buffer.Pointer, buffer, packed: true);
    }

    public override Tensor FirstRows(int rows)
    {
        if (rows > Rows) throw new ArgumentOutOfRangeException(nameof(rows), $"{rows} > {Rows} rows.");
        if (Packed) throw new InvalidOperationException("Packed weights have no row views.");
        return new CpuTensor(rows, Cols, DType, RowStride, Data, Owner);
    }

    public override Tensor Columns(int start, int count)
    {
        if (start < 0 || start + count > Cols) throw new ArgumentOutOfRangeException(nameof(start));
        if (Packed) throw new InvalidOperationException("Packed weights have no column views.");
        return new CpuTensor(Rows, count, DType, RowStride, Data + (long)start * DType.Size(), Owner);
    }
}
