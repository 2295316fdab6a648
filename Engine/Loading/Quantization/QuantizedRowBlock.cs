namespace Engine.Loading.Quantization;

/// <summary>
/// One row block of a weight matrix with quantized parts (fused q|k|v and gate|up are several), as ggml blocks, which
/// is what every backend repacks from. Each block keeps its own quantized type (a Q4_K_M file mixes Q4_K and Q6_K);
/// a float block is quantized at load to the storage type (--quantization); a float block beside quantized ones
/// without --quantization is refused.
/// </summary>
public sealed unsafe class QuantizedRowBlock : IDisposable
{
    private readonly NativeBuffer? _owned;

    private QuantizedRowBlock(DType type, HostTensor rows, NativeBuffer? owned)
    {
        Type = type;
        Rows = rows;
        _owned = owned;
    }

    public DType Type { get; }

    /// <summary>The block's rows as ggml blocks of <see cref="Type"/> (the file's own bytes where they already are).</summary>
    public HostTensor Rows { get; }

    /// <summary>Block <paramref name="block"/> of <paramref name="rowBlocks"/> (all of one width) in its quantized type.</summary>
    public static QuantizedRowBlock Of(HostTensor[] rowBlocks, int block, DType storage)
    {
        var source = rowBlocks[block];
        int cols = source.Cols;
        if (rowBlocks.Any(b => b.Cols != cols)) throw new ArgumentException("Row blocks differ in width.");
        var type = source.DType.IsQuantized() ? source.DType
            : storage.IsQuantized() ? storage
            : throw new NotSupportedException($"Weight '{source.Name}' ({source.DType}) cannot be fused with quantized weights ({string.Join(", ", rowBlocks.Select(b => $"{b.Name}: {b.DType}"))}).");
        if (cols % type.BlockElements() != 0)
            throw new NotSupportedException($"Weight '{source.Name}' has rows of {cols} weights, not a multiple of the {type} block size {type.BlockElements()}.");
        if (source.DType == type) return new QuantizedRowBlock(type, source, null);

        long rowBytes = type.RowBytes(cols);
        var buffer = new NativeBuffer(source.Rows * rowBytes);
        Parallel.For(0, source.Rows, r =>
        {
            var values = new float[cols];
            for (int c = 0; c < cols; c++) values[c] = source[(long)r * cols + c];
            GgmlBlocks.QuantizeRow(type, values, (byte*)buffer.Pointer + r * rowBytes);
        });
        return new QuantizedRowBlock(type, new HostTensor(source.Name, type, source.Shape, (byte*)buffer.Pointer, buffer), buffer);
    }

    public void Dispose() => _owned?.Dispose();
}
