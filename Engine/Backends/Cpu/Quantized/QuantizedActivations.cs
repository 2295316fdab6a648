using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Engine.Loading.Quantization;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>
/// A matmul's input rows quantized to 8 bits per block, as llama.cpp does before its integer dot products: for
/// 32-element blocks (Q8_0, Q4_0 weights) ggml's Q8_0 (scale = max|x| / 127, stored as f16), for 256-element
/// blocks (k-quants) ggml's Q8_K (scale = max / −127 with the signed extreme, f32). Also the sum of the quants of
/// every sub-block, which the kernels need for the weights' offsets and mins. Buffers are reused between calls.
/// </summary>
internal sealed unsafe class QuantizedActivations : IDisposable
{
    private byte* _buffer;
    private long _capacity;

    public sbyte* Quants { get; private set; }
    public float* Scales { get; private set; }
    public int* SubSums { get; private set; }
    public int Cols { get; private set; }
    public int BlockElements { get; private set; }
    public int SubElements { get; private set; }

    public sbyte* Row(int token) => Quants + (long)token * Cols;
    /// <summary>The token's block scales (rows of Cols / BlockElements, one after the other).</summary>
    public float* ScaleRow(int token) => Scales + (long)token * (Cols / BlockElements);
    /// <summary>The token's sub-block quant sums (rows of Cols / SubElements, one after the other).</summary>
    public int* SubSumRow(int token) => SubSums + (long)token * (Cols / SubElements);

    public void Quantize(float* x, int xStride, int tokens, int cols, int blockElements, int subElements)
    {
        (Cols, BlockElements, SubElements) = (cols, blockElements, subElements);
        long quantBytes = ((long)tokens * cols + 63) & ~63L;
        long scaleBytes = ((long)tokens * (cols / blockElements) * 4 + 63) & ~63L;
        long needed = quantBytes + scaleBytes + (long)tokens * (cols / subElements) * 4;
        if (needed > _capacity)
        {
            Dispose();
            _buffer = (byte*)NativeMemory.AlignedAlloc((nuint)needed, 64);
            _capacity = needed;
        }
        Quants = (sbyte*)_buffer;
        Scales = (float*)(_buffer + quantBytes);
        SubSums = (int*)(_buffer + quantBytes + scaleBytes);
        for (int t = 0; t < tokens; t++)
            for (int b = 0; b < cols / blockElements; b++)
            {
                var values = new ReadOnlySpan<float>(x + (long)t * xStride + b * blockElements, blockElements);
                sbyte* q = Row(t) + b * blockElements;
                Scales[(long)t * (cols / blockElements) + b] = blockElements == 32 ? QuantizeQ8_0(values, q) : QuantizeQ8_K(values, q);
            }
        for (long s = 0; s < (long)tokens * (cols / subElements); s++)
        {
            int sum = 0;
            for (int i = 0; i < subElements; i++) sum += Quants[s * subElements + i];
            SubSums[s] = sum;
        }
    }

    /// <summary>ggml's quantize_row_q8_0 (x86): ties round to even, the scale kept as f16.</summary>
    private static float QuantizeQ8_0(ReadOnlySpan<float> x, sbyte* q)
    {
        float max = MathF.Abs(TensorPrimitives.MaxMagnitude(x));
        float id = max != 0 ? 127f / max : 0;
        for (int i = 0; i < x.Length; i++) q[i] = (sbyte)MathF.Round(x[i] * id);
        return GgmlBlocks.Half(GgmlBlocks.ToHalf(max / 127f));
    }

    /// <summary>ggml's quantize_row_q8_K.</summary>
    private static float QuantizeQ8_K(ReadOnlySpan<float> x, sbyte* q)
    {
        float max = TensorPrimitives.MaxMagnitude(x);
        if (max == 0)
        {
            for (int i = 0; i < x.Length; i++) q[i] = 0;
            return 0;
        }
        float iscale = -127f / max;
        for (int i = 0; i < x.Length; i++) q[i] = (sbyte)Math.Min(127, (int)MathF.Round(iscale * x[i]));
        return 1 / iscale;
    }

    public void Dispose()
    {
        if (_buffer != null) NativeMemory.AlignedFree(_buffer);
        _buffer = null;
        _capacity = 0;
    }
}
