using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu;

/// <summary>
/// out[t, r] = Σ_k x[t, k] · w[r, k] over a range of 4-row weight panels (<see cref="PackedLayout"/>).
/// Batched inputs take four tokens at a time (a 4×4 register tile of 16 AVX-512 accumulators), so each
/// weight byte is read once per step and each x row is reused from cache. x rows hold paddedCols columns.
/// </summary>
internal static unsafe class MatMulKernels
{
    private const int PanelStride = PackedLayout.PanelRows * PackedLayout.Chunk;

    // Hot loops are compiled fully optimised at once: tier-0 code is ~10x slower and a step may end before tier-up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Panels<TW>(float* x, int xStride, int tokens, byte* w, int paddedCols, int rows,
        float* output, int outStride, int panelStart, int panelEnd) where TW : struct, IWeightElement
    {
        float* partial = stackalloc float[16];
        for (int p = panelStart; p < panelEnd; p++)
        {
            byte* panel = w + (long)p * PackedLayout.PanelRows * paddedCols * TW.Size;
            int r = p * PackedLayout.PanelRows;
            bool full = r + PackedLayout.PanelRows <= rows;
            int t = 0;
            for (; t + 4 <= tokens; t += 4)
            {
                float* o = full ? output + (long)t * outStride + r : partial;
                Tile4x4<TW>(x + (long)t * xStride, xStride, panel, paddedCols, o, full ? outStride : 4);
                if (!full) CopyPartial(partial, 4, output + (long)t * outStride + r, outStride, rows - r);
            }
            for (; t < tokens; t++)
            {
                float* o = full ? output + (long)t * outStride + r : partial;
                Tile1x4<TW>(x + (long)t * xStride, panel, paddedCols, o);
                if (!full) CopyPartial(partial, 1, output + (long)t * outStride + r, outStride, rows - r);
            }
        }
    }

    private static void CopyPartial(float* partial, int tokens, float* output, int outStride, int validRows)
    {
        for (int t = 0; t < tokens; t++)
            for (int j = 0; j < validRows; j++) output[(long)t * outStride + j] = partial[t * 4 + j];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x4<TW>(float* x, byte* panel, int paddedCols, float* output) where TW : struct, IWeightElement
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int k = 0, w = 0; k < paddedCols; k += 16, w += PanelStride)
        {
            var xv = Vector512.Load(x + k);
            a0 = Vector512.FusedMultiplyAdd(xv, TW.Load16(panel, w), a0);
            a1 = Vector512.FusedMultiplyAdd(xv, TW.Load16(panel, w + 16), a1);
            a2 = Vector512.FusedMultiplyAdd(xv, TW.Load16(panel, w + 32), a2);
            a3 = Vector512.FusedMultiplyAdd(xv, TW.Load16(panel, w + 48), a3);
        }
        output[0] = Vector512.Sum(a0); output[1] = Vector512.Sum(a1); output[2] = Vector512.Sum(a2); output[3] = Vector512.Sum(a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x4<TW>(float* x, int xStride, byte* panel, int paddedCols, float* output, int outStride)
        where TW : struct, IWeightElement
    {
        float* x0 = x, x1 = x + xStride, x2 = x + 2 * xStride, x3 = x + 3 * xStride;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        for (int k = 0, w = 0; k < paddedCols; k += 16, w += PanelStride)
        {
            var v0 = TW.Load16(panel, w);
            var v1 = TW.Load16(panel, w + 16);
            var v2 = TW.Load16(panel, w + 32);
            var v3 = TW.Load16(panel, w + 48);
            var u = Vector512.Load(x0 + k);
            a00 = Vector512.FusedMultiplyAdd(u, v0, a00); a01 = Vector512.FusedMultiplyAdd(u, v1, a01);
            a02 = Vector512.FusedMultiplyAdd(u, v2, a02); a03 = Vector512.FusedMultiplyAdd(u, v3, a03);
            u = Vector512.Load(x1 + k);
            a10 = Vector512.FusedMultiplyAdd(u, v0, a10); a11 = Vector512.FusedMultiplyAdd(u, v1, a11);
            a12 = Vector512.FusedMultiplyAdd(u, v2, a12); a13 = Vector512.FusedMultiplyAdd(u, v3, a13);
            u = Vector512.Load(x2 + k);
            a20 = Vector512.FusedMultiplyAdd(u, v0, a20); a21 = Vector512.FusedMultiplyAdd(u, v1, a21);
            a22 = Vector512.FusedMultiplyAdd(u, v2, a22); a23 = Vector512.FusedMultiplyAdd(u, v3, a23);
            u = Vector512.Load(x3 + k);
            a30 = Vector512.FusedMultiplyAdd(u, v0, a30); a31 = Vector512.FusedMultiplyAdd(u, v1, a31);
            a32 = Vector512.FusedMultiplyAdd(u, v2, a32); a33 = Vector512.FusedMultiplyAdd(u, v3, a33);
        }
        Store(output, a00, a01, a02, a03);
        Store(output + outStride, a10, a11, a12, a13);
        Store(output + 2 * outStride, a20, a21, a22, a23);
        Store(output + 3 * outStride, a30, a31, a32, a33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* o, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3)
    {
        o[0] = Vector512.Sum(s0); o[1] = Vector512.Sum(s1); o[2] = Vector512.Sum(s2); o[3] = Vector512.Sum(s3);
    }
}
