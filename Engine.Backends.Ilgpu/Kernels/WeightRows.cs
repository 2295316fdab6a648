using ILGPU;

namespace Engine.Backends.Ilgpu.Kernels;

/// <summary>A weight matrix as the kernels that load single elements see it (the tiled matmul, the embedding
/// lookup): element k of row r as a float, whatever the storage.</summary>
public interface IWeightRows
{
    float At(int row, int k);
}

/// <summary>Rows of <paramref name="stride"/> elements in 64-bit words of <typeparamref name="TFormat"/>.</summary>
public readonly struct DenseRows<TFormat>(ArrayView<ulong> words, int stride) : IWeightRows
    where TFormat : struct, IWeightFormat
{
    private readonly ArrayView<ulong> _words = words;
    private readonly int _stride = stride;

    public float At(int row, int k) => WeightLoad.At<TFormat>(_words, (long)row * _stride + k);
}

/// <summary>Rows of <paramref name="blocksPerRow"/> blocks of <typeparamref name="TFormat"/> (its quants and parameters streams).</summary>
public readonly struct QuantizedRows<TFormat>(ArrayView<uint> quants, ArrayView<uint> parameters, int blocksPerRow) : IWeightRows
    where TFormat : struct, IQuantizedFormat
{
    private readonly ArrayView<uint> _quants = quants;
    private readonly ArrayView<uint> _parameters = parameters;
    private readonly int _blocksPerRow = blocksPerRow;

    public float At(int row, int k)
    {
        int n = default(TFormat).BlockElements;
        return default(TFormat).Element(_quants, _parameters, (long)row * _blocksPerRow + k / n, k % n);
    }
}
