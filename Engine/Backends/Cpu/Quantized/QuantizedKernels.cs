using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>
/// out[t, r] = Σ_k x[t, k] · w[r, k] for quantized weights, over a range of 8-row panels, as llama.cpp computes it:
/// integer dot products of the weights' quants with the activations' 8-bit quants per sub-block, then scaled in
/// floats. Each panel's 8 row sums sit in the lanes of one vector, so nothing is summed horizontally. Up to four
/// tokens (eight for Q8_0 and Q4_0) share every decoded weight group (prefill and batched decode reuse each weight
/// block from L1).
/// </summary>
internal static unsafe class QuantizedKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Panels<TF, TD>(QuantizedSegment segment, QuantizedActivations x, int tokens, float* output, int outStride,
        int panelStart, int panelEnd) where TF : struct, IQuantFormat where TD : struct, IInt8Dot
    {
        float* partial = stackalloc float[4 * QuantizedLayout.PanelRows];
        for (int p = panelStart; p < panelEnd; p++)
        {
            byte* panel = segment.Panel(p);
            int row = p * QuantizedLayout.PanelRows, valid = Math.Min(QuantizedLayout.PanelRows, segment.Rows - row);
            float* o = output + segment.FirstRow + row;
            int t = 0;
            if (OnePlainSubBlock<TF>() && valid == QuantizedLayout.PanelRows)
                for (; t + 8 <= tokens; t += 8) Tile8<TF, TD>(panel, segment.Blocks, x, t, o + (long)t * outStride, outStride);
            for (; t + 4 <= tokens; t += 4)
            {
                bool full = valid == QuantizedLayout.PanelRows;
                Tile4<TF, TD>(panel, segment.Blocks, x, t, full ? o + (long)t * outStride : partial, full ? outStride : QuantizedLayout.PanelRows);
                if (!full) CopyPartial(partial, 4, o + (long)t * outStride, outStride, valid);
            }
            for (; t < tokens; t++)
            {
                var sum = Tile1<TF, TD>(panel, segment.Blocks, x, t);
                if (valid == QuantizedLayout.PanelRows) sum.Store(o + (long)t * outStride);
                else
                {
                    sum.Store(partial);
                    CopyPartial(partial, 1, o + (long)t * outStride, outStride, valid);
                }
            }
        }
    }

    /// <summary>Blocks of one sub-block without sub-scales or mins (Q8_0, Q4_0): few enough accumulators for 8 tokens.</summary>
    private static bool OnePlainSubBlock<TF>() where TF : struct, IQuantFormat => !TF.HasSubScales && !TF.HasMins && TF.BlockElements == TF.SubElements;

    /// <summary>Eight tokens at once where <see cref="OnePlainSubBlock{TF}"/>: each group is decoded once for 8 tokens
    /// instead of 4 (a 32-stream Q4_0 decode: 1.10x, alternating runs). The same arithmetic per token as
    /// <see cref="Tile4{TF, TD}"/>, so the results are the same bits whichever tile a token falls in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8<TF, TD>(byte* panel, int blocks, QuantizedActivations x, int t, float* output, int outStride)
        where TF : struct, IQuantFormat where TD : struct, IInt8Dot
    {
        long cols = x.Cols;
        sbyte* x0 = x.Row(t);
        int* sums = x.SubSumRow(t);
        float* scales = x.ScaleRow(t);
        Vector256<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default, acc4 = default, acc5 = default, acc6 = default, acc7 = default;
        for (int b = 0; b < blocks; b++)
        {
            byte* block = panel + (long)b * TF.PanelBlockBytes;
            var i0 = Vector256.Create(-TF.Offset * sums[b]);
            var i1 = Vector256.Create(-TF.Offset * sums[blocks + b]);
            var i2 = Vector256.Create(-TF.Offset * sums[2 * blocks + b]);
            var i3 = Vector256.Create(-TF.Offset * sums[3 * blocks + b]);
            var i4 = Vector256.Create(-TF.Offset * sums[4 * blocks + b]);
            var i5 = Vector256.Create(-TF.Offset * sums[5 * blocks + b]);
            var i6 = Vector256.Create(-TF.Offset * sums[6 * blocks + b]);
            var i7 = Vector256.Create(-TF.Offset * sums[7 * blocks + b]);
            sbyte* xb = x0 + (long)b * TF.BlockElements;
            // Unrolled by hand: the JIT keeps constant-count loops as loops.
            Eight<TD>(ref i0, ref i1, ref i2, ref i3, ref i4, ref i5, ref i6, ref i7, TF.Group(block, 0, 0), xb, cols);
            Eight<TD>(ref i0, ref i1, ref i2, ref i3, ref i4, ref i5, ref i6, ref i7, TF.Group(block, 0, 1), xb + 4, cols);
            Eight<TD>(ref i0, ref i1, ref i2, ref i3, ref i4, ref i5, ref i6, ref i7, TF.Group(block, 0, 2), xb + 8, cols);
            Eight<TD>(ref i0, ref i1, ref i2, ref i3, ref i4, ref i5, ref i6, ref i7, TF.Group(block, 0, 3), xb + 12, cols);
            Eight<TD>(ref i0, ref i1, ref i2, ref i3, ref i4, ref i5, ref i6, ref i7, TF.Group(block, 0, 4), xb + 16, cols);
            Eight<TD>(ref i0, ref i1, ref i2, ref i3, ref i4, ref i5, ref i6, ref i7, TF.Group(block, 0, 5), xb + 20, cols);
            Eight<TD>(ref i0, ref i1, ref i2, ref i3, ref i4, ref i5, ref i6, ref i7, TF.Group(block, 0, 6), xb + 24, cols);
            Eight<TD>(ref i0, ref i1, ref i2, ref i3, ref i4, ref i5, ref i6, ref i7, TF.Group(block, 0, 7), xb + 28, cols);
            var d = TF.Scale(block);
            acc0 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(i0) * d, Vector256.Create(scales[b]), acc0);
            acc1 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(i1) * d, Vector256.Create(scales[blocks + b]), acc1);
            acc2 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(i2) * d, Vector256.Create(scales[2 * blocks + b]), acc2);
            acc3 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(i3) * d, Vector256.Create(scales[3 * blocks + b]), acc3);
            acc4 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(i4) * d, Vector256.Create(scales[4 * blocks + b]), acc4);
            acc5 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(i5) * d, Vector256.Create(scales[5 * blocks + b]), acc5);
            acc6 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(i6) * d, Vector256.Create(scales[6 * blocks + b]), acc6);
            acc7 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(i7) * d, Vector256.Create(scales[7 * blocks + b]), acc7);
        }
        acc0.Store(output);
        acc1.Store(output + outStride);
        acc2.Store(output + 2 * outStride);
        acc3.Store(output + 3 * outStride);
        acc4.Store(output + 4 * outStride);
        acc5.Store(output + 5 * outStride);
        acc6.Store(output + 6 * outStride);
        acc7.Store(output + 7 * outStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Eight<TD>(ref Vector256<int> a0, ref Vector256<int> a1, ref Vector256<int> a2, ref Vector256<int> a3,
        ref Vector256<int> a4, ref Vector256<int> a5, ref Vector256<int> a6, ref Vector256<int> a7, Vector256<byte> w, sbyte* x, long stride)
        where TD : struct, IInt8Dot
    {
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, w, x, stride);
        GroupDot.Four<TD>(ref a4, ref a5, ref a6, ref a7, w, x + 4 * stride, stride);
    }

    private static void CopyPartial(float* partial, int tokens, float* output, int outStride, int validRows)
    {
        for (int t = 0; t < tokens; t++)
            for (int r = 0; r < validRows; r++) output[(long)t * outStride + r] = partial[t * QuantizedLayout.PanelRows + r];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector256<float> Tile1<TF, TD>(byte* panel, int blocks, QuantizedActivations x, int t)
        where TF : struct, IQuantFormat where TD : struct, IInt8Dot
    {
        int subs = TF.BlockElements / TF.SubElements;
        sbyte* xq = x.Row(t);
        int* sums = x.SubSumRow(t);
        float* scales = x.ScaleRow(t);
        var acc = Vector256<float>.Zero;
        for (int b = 0; b < blocks; b++, xq += TF.BlockElements)
        {
            byte* block = panel + (long)b * TF.PanelBlockBytes;
            Vector256<float> scaled = default, mins = default;
            for (int s = 0; s < subs; s++)
            {
                int xs = sums[b * subs + s];
                var isum = TF.SubDot<TD>(Vector256.Create(-TF.Offset * xs), block, s, xq + s * TF.SubElements);
                var sum = Vector256.ConvertToSingle(isum);
                scaled = TF.HasSubScales ? Vector256.FusedMultiplyAdd(sum, TF.SubScale(block, s), scaled) : scaled + sum;
                if (TF.HasMins) mins = Vector256.FusedMultiplyAdd(TF.SubMin(block, s), Vector256.Create((float)xs), mins);
            }
            var value = scaled * TF.Scale(block);
            if (TF.HasMins) value -= mins * TF.MinScale(block);
            acc = Vector256.FusedMultiplyAdd(value, Vector256.Create(scales[b]), acc);
        }
        return acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4<TF, TD>(byte* panel, int blocks, QuantizedActivations x, int t, float* output, int outStride)
        where TF : struct, IQuantFormat where TD : struct, IInt8Dot
    {
        int subs = TF.BlockElements / TF.SubElements, subsPerRow = blocks * subs;
        long cols = x.Cols;
        sbyte* x0 = x.Row(t);
        int* sums = x.SubSumRow(t);
        float* scales = x.ScaleRow(t);
        Vector256<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        for (int b = 0; b < blocks; b++)
        {
            byte* block = panel + (long)b * TF.PanelBlockBytes;
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector256<float> m0 = default, m1 = default, m2 = default, m3 = default;
            for (int s = 0; s < subs; s++)
            {
                int sub = b * subs + s;
                int xs0 = sums[sub], xs1 = sums[subsPerRow + sub], xs2 = sums[2 * subsPerRow + sub], xs3 = sums[3 * subsPerRow + sub];
                var i0 = Vector256.Create(-TF.Offset * xs0);
                var i1 = Vector256.Create(-TF.Offset * xs1);
                var i2 = Vector256.Create(-TF.Offset * xs2);
                var i3 = Vector256.Create(-TF.Offset * xs3);
                TF.SubDot4<TD>(ref i0, ref i1, ref i2, ref i3, block, s, x0 + (long)b * TF.BlockElements + s * TF.SubElements, cols);
                if (TF.HasSubScales)
                {
                    var scale = TF.SubScale(block, s);
                    s0 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(i0), scale, s0);
                    s1 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(i1), scale, s1);
                    s2 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(i2), scale, s2);
                    s3 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(i3), scale, s3);
                }
                else
                {
                    s0 += Vector256.ConvertToSingle(i0);
                    s1 += Vector256.ConvertToSingle(i1);
                    s2 += Vector256.ConvertToSingle(i2);
                    s3 += Vector256.ConvertToSingle(i3);
                }
                if (TF.HasMins)
                {
                    var min = TF.SubMin(block, s);
                    m0 = Vector256.FusedMultiplyAdd(min, Vector256.Create((float)xs0), m0);
                    m1 = Vector256.FusedMultiplyAdd(min, Vector256.Create((float)xs1), m1);
                    m2 = Vector256.FusedMultiplyAdd(min, Vector256.Create((float)xs2), m2);
                    m3 = Vector256.FusedMultiplyAdd(min, Vector256.Create((float)xs3), m3);
                }
            }
            var d = TF.Scale(block);
            var dmin = TF.HasMins ? TF.MinScale(block) : default;
            acc0 = Vector256.FusedMultiplyAdd(TF.HasMins ? s0 * d - m0 * dmin : s0 * d, Vector256.Create(scales[b]), acc0);
            acc1 = Vector256.FusedMultiplyAdd(TF.HasMins ? s1 * d - m1 * dmin : s1 * d, Vector256.Create(scales[blocks + b]), acc1);
            acc2 = Vector256.FusedMultiplyAdd(TF.HasMins ? s2 * d - m2 * dmin : s2 * d, Vector256.Create(scales[2 * blocks + b]), acc2);
            acc3 = Vector256.FusedMultiplyAdd(TF.HasMins ? s3 * d - m3 * dmin : s3 * d, Vector256.Create(scales[3 * blocks + b]), acc3);
        }
        acc0.Store(output);
        acc1.Store(output + outStride);
        acc2.Store(output + 2 * outStride);
        acc3.Store(output + 3 * outStride);
    }
}
