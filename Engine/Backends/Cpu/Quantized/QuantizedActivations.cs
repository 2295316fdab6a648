using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    /// <summary>Quantizes <paramref name="tokens"/> rows of x (rows spread over the cores when there are several).</summary>
    public void Quantize(float* x, int xStride, int tokens, int cols, int blockElements, int subElements, CpuParallel parallel)
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
        parallel.For(tokens, t => QuantizeRow(x + (long)t * xStride, t));
    }

    private void QuantizeRow(float* x, int token)
    {
        sbyte* q = Row(token);
        float* scales = ScaleRow(token);
        int* sums = SubSumRow(token);
        int subsPerBlock = BlockElements / SubElements;
        for (int b = 0; b < Cols / BlockElements; b++)
        {
            var values = new ReadOnlySpan<float>(x + b * BlockElements, BlockElements);
            (float multiplier, scales[b]) = BlockElements == 32 ? ScaleQ8_0(values) : ScaleQ8_K(values);
            for (int s = 0; s < subsPerBlock; s++)
            {
                int first = b * BlockElements + s * SubElements;
                sums[b * subsPerBlock + s] = Round(x + first, multiplier, q + first, SubElements);
            }
        }
    }

    /// <summary>q = round-to-even(x · multiplier), at most 127, 16 at a time; returns Σ q.</summary>
    private static int Round(float* x, float multiplier, sbyte* q, int count)
    {
        var m = Vector256.Create(multiplier);
        var limit = Vector256.Create(127);
        var total = Vector256<int>.Zero;
        for (int i = 0; i < count; i += 16)
        {
            var low = Vector256.Min(Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x + i) * m)), limit);
            var high = Vector256.Min(Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x + i + 8) * m)), limit);
            total += low + high;
            var words = Vector256.Narrow(low, high);
            Vector128.Narrow(words.GetLower(), words.GetUpper()).Store(q + i);
        }
        return Vector256.Sum(total);
    }

    /// <summary>ggml's quantize_row_q8_0 (x86): multiplier 127 / max|x|, the scale kept as f16.</summary>
    private static (float Multiplier, float Scale) ScaleQ8_0(ReadOnlySpan<float> x)
    {
        float max = MathF.Abs(TensorPrimitives.MaxMagnitude(x));
        return (max != 0 ? 127f / max : 0, GgmlBlocks.Half(GgmlBlocks.ToHalf(max / 127f)));
    }

    /// <summary>ggml's quantize_row_q8_K: multiplier −127 / (the value of largest magnitude), scale its inverse.</summary>
    private static (float Multiplier, float Scale) ScaleQ8_K(ReadOnlySpan<float> x)
    {
        float max = TensorPrimitives.MaxMagnitude(x);
        if (max == 0) return (0, 0);
        float iscale = -127f / max;
        return (iscale, 1 / iscale);
    }

    public void Dispose()
    {
        if (_buffer != null) NativeMemory.AlignedFree(_buffer);
        _buffer = null;
        _capacity = 0;
    }
}
