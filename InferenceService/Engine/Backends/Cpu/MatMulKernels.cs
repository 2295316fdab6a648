using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Inference.Engine.Backends.Cpu;

/// <summary>
/// out[t, r] = Σ_k x[t, k] · w[r, k] over a range of weight rows. Weight rows are taken four at a time and,
/// for batched inputs, four tokens at a time (a 4×4 register tile of 16 AVX-512 accumulators), so each
/// weight byte is read once per step from memory and each x row is reused from cache.
/// </summary>
internal static unsafe class MatMulKernels
{
    // Hot loops are compiled fully optimised at once: tier-0 code is ~10x slower and a step may end before tier-up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows<TW>(float* x, int xStride, int tokens, byte* w, int k, float* output, int outStride, int rowStart, int rowEnd)
        where TW : struct, IWeightElement
    {
        long wStride = (long)k * TW.Size;
        int r = rowStart;
        for (; r + 4 <= rowEnd; r += 4)
        {
            byte* wRow = w + r * wStride;
            int t = 0;
            for (; t + 4 <= tokens; t += 4)
                Tile4x4<TW>(x + (long)t * xStride, xStride, wRow, wStride, k, output + (long)t * outStride + r, outStride);
            for (; t < tokens; t++)
                Tile1x4<TW>(x + (long)t * xStride, wRow, wStride, k, output + (long)t * outStride + r);
        }
        for (; r < rowEnd; r++)
            for (int t = 0; t < tokens; t++)
                output[(long)t * outStride + r] = Dot<TW>(x + (long)t * xStride, w + r * wStride, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot<TW>(float* x, byte* w, int k) where TW : struct, IWeightElement
    {
        var acc = Vector512<float>.Zero;
        int i = 0;
        for (; i + 16 <= k; i += 16) acc = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), TW.Load16(w, i), acc);
        float sum = Vector512.Sum(acc);
        for (; i < k; i++) sum += x[i] * TW.Load1(w, i);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x4<TW>(float* x, byte* w, long wStride, int k, float* output) where TW : struct, IWeightElement
    {
        byte* w0 = w, w1 = w + wStride, w2 = w + 2 * wStride, w3 = w + 3 * wStride;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int i = 0;
        for (; i + 16 <= k; i += 16)
        {
            var xv = Vector512.Load(x + i);
            a0 = Vector512.FusedMultiplyAdd(xv, TW.Load16(w0, i), a0);
            a1 = Vector512.FusedMultiplyAdd(xv, TW.Load16(w1, i), a1);
            a2 = Vector512.FusedMultiplyAdd(xv, TW.Load16(w2, i), a2);
            a3 = Vector512.FusedMultiplyAdd(xv, TW.Load16(w3, i), a3);
        }
        float s0 = Vector512.Sum(a0), s1 = Vector512.Sum(a1), s2 = Vector512.Sum(a2), s3 = Vector512.Sum(a3);
        for (; i < k; i++)
        {
            float xi = x[i];
            s0 += xi * TW.Load1(w0, i);
            s1 += xi * TW.Load1(w1, i);
            s2 += xi * TW.Load1(w2, i);
            s3 += xi * TW.Load1(w3, i);
        }
        output[0] = s0; output[1] = s1; output[2] = s2; output[3] = s3;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x4<TW>(float* x, int xStride, byte* w, long wStride, int k, float* output, int outStride)
        where TW : struct, IWeightElement
    {
        float* x0 = x, x1 = x + xStride, x2 = x + 2 * xStride, x3 = x + 3 * xStride;
        byte* w0 = w, w1 = w + wStride, w2 = w + 2 * wStride, w3 = w + 3 * wStride;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        int i = 0;
        for (; i + 16 <= k; i += 16)
        {
            var v0 = TW.Load16(w0, i);
            var v1 = TW.Load16(w1, i);
            var v2 = TW.Load16(w2, i);
            var v3 = TW.Load16(w3, i);
            var u = Vector512.Load(x0 + i);
            a00 = Vector512.FusedMultiplyAdd(u, v0, a00); a01 = Vector512.FusedMultiplyAdd(u, v1, a01);
            a02 = Vector512.FusedMultiplyAdd(u, v2, a02); a03 = Vector512.FusedMultiplyAdd(u, v3, a03);
            u = Vector512.Load(x1 + i);
            a10 = Vector512.FusedMultiplyAdd(u, v0, a10); a11 = Vector512.FusedMultiplyAdd(u, v1, a11);
            a12 = Vector512.FusedMultiplyAdd(u, v2, a12); a13 = Vector512.FusedMultiplyAdd(u, v3, a13);
            u = Vector512.Load(x2 + i);
            a20 = Vector512.FusedMultiplyAdd(u, v0, a20); a21 = Vector512.FusedMultiplyAdd(u, v1, a21);
            a22 = Vector512.FusedMultiplyAdd(u, v2, a22); a23 = Vector512.FusedMultiplyAdd(u, v3, a23);
            u = Vector512.Load(x3 + i);
            a30 = Vector512.FusedMultiplyAdd(u, v0, a30); a31 = Vector512.FusedMultiplyAdd(u, v1, a31);
            a32 = Vector512.FusedMultiplyAdd(u, v2, a32); a33 = Vector512.FusedMultiplyAdd(u, v3, a33);
        }
        Store(output, Vector512.Sum(a00), Vector512.Sum(a01), Vector512.Sum(a02), Vector512.Sum(a03));
        Store(output + outStride, Vector512.Sum(a10), Vector512.Sum(a11), Vector512.Sum(a12), Vector512.Sum(a13));
        Store(output + 2 * outStride, Vector512.Sum(a20), Vector512.Sum(a21), Vector512.Sum(a22), Vector512.Sum(a23));
        Store(output + 3 * outStride, Vector512.Sum(a30), Vector512.Sum(a31), Vector512.Sum(a32), Vector512.Sum(a33));
        for (; i < k; i++)
        {
            float f0 = TW.Load1(w0, i), f1 = TW.Load1(w1, i), f2 = TW.Load1(w2, i), f3 = TW.Load1(w3, i);
            float* xs = x + i;
            for (int t = 0; t < 4; t++, xs += xStride)
            {
                float* o = output + t * outStride;
                o[0] += *xs * f0; o[1] += *xs * f1; o[2] += *xs * f2; o[3] += *xs * f3;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* o, float s0, float s1, float s2, float s3)
    {
        o[0] = s0; o[1] = s1; o[2] = s2; o[3] = s3;
    }
}
