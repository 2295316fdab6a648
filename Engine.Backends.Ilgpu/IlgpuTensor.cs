using ILGPU;
using Engine.Loading;

namespace Engine.Backends.Ilgpu;

/// <summary>
/// A tensor in accelerator memory. Activations and plain data are F32, row-major with a row stride (views of a
/// buffer start at their first element); weight matrices are stored as 64-bit words of their format
/// (<see cref="Kernels.IWeightFormat"/>), rows padded to a multiple of 8 elements (16 bytes for 16-bit formats).
/// </summary>
internal sealed class IlgpuTensor : Tensor
{
    private IlgpuTensor(int rows, int cols, DType dtype, int rowStride, ArrayView<float> floats, ArrayView<ulong> words, bool isWeight,
        KvCacheDType? kvDType = null)
        : base(rows, cols, dtype, rowStride)
    {
        Floats = floats;
        Words = words;
        IsWeight = isWeight;
        KvDType = kvDType;
    }

    /// <summary>Elements a weight row is padded to.</summary>
    public const int RowAlignment = 8;

    public ArrayView<float> Floats { get; }
    public ArrayView<ulong> Words { get; }
    public bool IsWeight { get; }
    /// <summary>A KV cache layer: its elements packed as <see cref="Kernels.IKvFormat"/> words in <see cref="Floats"/>, RowStride elements a row.</summary>
    public KvCacheDType? KvDType { get; }

    public static IlgpuTensor Activation(int rows, int cols, int rowStride, ArrayView<float> data) =>
        new(rows, cols, DType.F32, rowStride, data, default, isWeight: false);

    public static IlgpuTensor KvCache(int rows, int cols, int rowStride, KvCacheDType dtype, ArrayView<float> words) =>
        new(rows, cols, DType.F32, rowStride, words, default, isWeight: false, dtype);

    public static IlgpuTensor Weight(int rows, int cols, DType dtype, ArrayView<ulong> words) =>
        new(rows, cols, dtype, PaddedCols(cols), default, words, isWeight: true);

    public static int PaddedCols(int cols) => (cols + RowAlignment - 1) / RowAlignment * RowAlignment;

    public override Tensor FirstRows(int rows)
    {
        if (rows > Rows) throw new ArgumentOutOfRangeException(nameof(rows), $"{rows} > {Rows} rows.");
        if (IsWeight) throw new InvalidOperationException("Weight matrices have no row views.");
        return new IlgpuTensor(rows, Cols, DType, RowStride, Floats, default, false);
    }

    public override Tensor Columns(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Cols) throw new ArgumentOutOfRangeException(nameof(start));
        if (IsWeight) throw new InvalidOperationException("Weight matrices have no column views.");
        return new IlgpuTensor(Rows, count, DType, RowStride, Floats.SubView(start, Floats.Length - start), default, false);
    }
}
