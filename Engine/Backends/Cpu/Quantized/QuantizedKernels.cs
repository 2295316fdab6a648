using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>
/// out[t, r] = Σ_k x[t, k] · w[r, k] for quantized weights, over a range of 8-row panels, as llama.cpp computes it:
/// integer dot products of the weights' quants with the activations' 8-bit quants per sub-block, then scaled in
/// floats. Each panel's 8 row sums sit in the lanes of one vector, so nothing is summed horizontally. Up to four
/// tokens share every decoded weight group (prefill and batched decode reuse each weight block from L1).
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

    private static void CopyPartial(float* partial, int tokens, float* output, int outStride, int validRows)
    {
        for (int t = 0; t < tokens; t++)
            for (int r = 0; r < validRows; r++) output[(long)t * outStride + r] = partial[t * QuantizedLayout.PanelRows + r];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector256<float> Tile1<TF, TD>(byte* panel, int blocks, QuantizedActivations x, int t)
        where TF : struct, IQuantFormat where TD : struct, IInt8Dot
    {
        int subs = TF.BlockElements / TF.SubElements, groups = TF.SubElements / 4;
        sbyte* xq = x.Row(t);
        var acc = Vector256<float>.Zero;
        for (int b = 0; b < blocks; b++, xq += TF.BlockElements)
        {
            byte* block = panel + (long)b * TF.PanelBlockBytes;
            Vector256<float> scaled = default, mins = default;
            for (int s = 0; s < subs; s++)
            {
                int xs = x.SubSum(t, b * subs + s);
                var isum = Vector256.Create(-TF.Offset * xs);
                for (int g = 0; g < groups; g++)
                    isum = TD.Dot(isum, TF.Group(block, s, g), *(int*)(xq + s * TF.SubElements + 4 * g));
                var sum = Vector256.ConvertToSingle(isum);
                scaled = TF.HasSubScales ? Vector256.FusedMultiplyAdd(sum, TF.SubScale(block, s), scaled) : scaled + sum;
                if (TF.HasMins) mins = Vector256.FusedMultiplyAdd(TF.SubMin(block, s), Vector256.Create((float)xs), mins);
            }
            var value = scaled * TF.Scale(block);
            if (TF.HasMins) value -= mins * TF.MinScale(block);
            acc = Vector256.FusedMultiplyAdd(value, Vector256.Create(x.Scale(t, b)), acc);
        }
        return acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4<TF, TD>(byte* panel, int blocks, QuantizedActivations x, int t, float* output, int outStride)
        where TF : struct, IQuantFormat where TD : struct, IInt8Dot
    {
        int subs = TF.BlockElements / TF.SubElements, groups = TF.SubElements / 4;
        long cols = x.Cols;
        sbyte* x0 = x.Row(t), x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        Vector256<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        for (int b = 0; b < blocks; b++)
        {
            byte* block = panel + (long)b * TF.PanelBlockBytes;
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector256<float> m0 = default, m1 = default, m2 = default, m3 = default;
            for (int s = 0; s < subs; s++)
            {
                int sub = b * subs + s;
                int xs0 = x.SubSum(t, sub), xs1 = x.SubSum(t + 1, sub), xs2 = x.SubSum(t + 2, sub), xs3 = x.SubSum(t + 3, sub);
                var i0 = Vector256.Create(-TF.Offset * xs0);
                var i1 = Vector256.Create(-TF.Offset * xs1);
                var i2 = Vector256.Create(-TF.Offset * xs2);
                var i3 = Vector256.Create(-TF.Offset * xs3);
                long k = (long)b * TF.BlockElements + s * TF.SubElements;
                for (int g = 0; g < groups; g++, k += 4)
                {
                    var w = TF.Group(block, s, g);
                    i0 = TD.Dot(i0, w, *(int*)(x0 + k));
                    i1 = TD.Dot(i1, w, *(int*)(x1 + k));
                    i2 = TD.Dot(i2, w, *(int*)(x2 + k));
                    i3 = TD.Dot(i3, w, *(int*)(x3 + k));
                }
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
            acc0 = Vector256.FusedMultiplyAdd(TF.HasMins ? s0 * d - m0 * dmin : s0 * d, Vector256.Create(x.Scale(t, b)), acc0);
            acc1 = Vector256.FusedMultiplyAdd(TF.HasMins ? s1 * d - m1 * dmin : s1 * d, Vector256.Create(x.Scale(t + 1, b)), acc1);
            acc2 = Vector256.FusedMultiplyAdd(TF.HasMins ? s2 * d - m2 * dmin : s2 * d, Vector256.Create(x.Scale(t + 2, b)), acc2);
            acc3 = Vector256.FusedMultiplyAdd(TF.HasMins ? s3 * d - m3 * dmin : s3 * d, Vector256.Create(x.Scale(t + 3, b)), acc3);
        }
        acc0.Store(output);
        acc1.Store(output + outStride);
        acc2.Store(output + 2 * outStride);
        acc3.Store(output + 3 * outStride);
    }
}
