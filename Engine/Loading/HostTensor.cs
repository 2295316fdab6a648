using System.Runtime.InteropServices;
using Engine.Loading.Quantization;

namespace Engine.Loading;

/// <summary>
/// A weight tensor as it lies in host memory (a memory-mapped file region or an owned buffer),
/// in its stored dtype. Backends convert or upload it; they must not keep the pointer.
/// </summary>
public sealed unsafe class HostTensor(string name, DType dtype, int[] shape, byte* data, object? owner = null)
{
    public string Name { get; } = name;
    public DType DType { get; } = dtype;
    public int[] Shape { get; } = shape;
    public byte* Data { get; } = data;

    /// <summary>Keeps the memory mapping or buffer alive while the tensor is used.</summary>
    public object? Owner { get; } = owner;

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    public int Rows => Shape.Length == 1 ? 1 : Shape[0];
    public int Cols => Shape[^1];

    /// <summary>Bytes of one row (quantized rows are whole blocks).</summary>
    public long RowBytes => DType.RowBytes(Cols);

    public long ByteCount => Rows * RowBytes;

    public byte* Row(int row) => Data + row * RowBytes;

    /// <summary>Reads element i as float, whatever the stored dtype (a quantized element is dequantized with its block).</summary>
    public float this[long i] => DType switch
    {
        DType.F32 => ((float*)Data)[i],
        DType.F16 => (float)((Half*)Data)[i],
        DType.BF16 => BFloat16.ToSingle(((ushort*)Data)[i]),
        _ => QuantizedElement(i),
    };

    private float QuantizedElement(long i)
    {
        int n = DType.BlockElements();
        Span<float> block = stackalloc float[n];
        GgmlBlocks.DequantizeRow(DType, Row((int)(i / Cols)) + i % Cols / n * DType.BlockBytes(), block);
        return block[(int)(i % n)];
    }

    public void ExpectShape(params int[] expected)
    {
        if (!Shape.AsSpan().SequenceEqual(expected))
            throw new InvalidDataException($"Tensor '{Name}' has shape [{string.Join(", ", Shape)}], expected [{string.Join(", ", expected)}].");
    }

    /// <summary>Joins 1-D tensors end to end into one F32 vector (fused q|k|v bias).</summary>
    public static HostTensor ConcatVectors(string name, params HostTensor[] parts)
    {
        var result = Allocate(name, DType.F32, [(int)parts.Sum(t => t.ElementCount)]);
        long offset = 0;
        foreach (var part in parts)
            for (long i = 0; i < part.ElementCount; i++) ((float*)result.Data)[offset++] = part[i];
        return result;
    }

    /// <summary>A tensor backed by an owned, 64-byte aligned native buffer (freed by the finalizer of its owner).</summary>
    public static HostTensor Allocate(string name, DType dtype, int[] shape)
    {
        long bytes = shape.Aggregate(1L, (a, b) => a * b) / shape[^1] * dtype.RowBytes(shape[^1]);
        var buffer = new NativeBuffer(bytes);
        return new HostTensor(name, dtype, shape, (byte*)buffer.Pointer, buffer);
    }
}
