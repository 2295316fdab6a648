using ILGPU;

namespace Engine.Backends.Ilgpu.Kernels;

/// <summary>
/// The matmul and embedding kernels for weights in a ggml block-quantized <see cref="IQuantizedFormat"/>, dequantized
/// in registers: <see cref="MatVec{TFormat}"/> for decode-sized N (one warp streams one weight row; each lane decodes
/// 8 weights from a quant word and uses them for up to 4 tokens), <see cref="Tiled{TFormat}"/> for prefill (the tiled
/// GEMM, each weight dequantized once per tile as it is staged in shared memory: cuBLAS has no quantized GEMM), and
/// <see cref="Embed{TFormat}"/>. Rows are whole blocks (In is a multiple of BlockElements).
/// </summary>
public static class QuantizedKernels
{
    public static void MatVec<TFormat>(ArrayView<float> x, int xStride, ArrayView<uint> quants, ArrayView<uint> parameters,
        ArrayView<float> bias, ArrayView<float> output, int outStride, MatMulShape s)
        where TFormat : struct, IQuantizedFormat
    {
        int blockElements = default(TFormat).BlockElements, unitsPerBlock = blockElements / 8;
        int lane = Warp.LaneIdx, warpSize = Warp.WarpSize;
        int warpsPerGroup = Group.DimX / warpSize;
        int blocksPerRow = s.In / blockElements, units = s.In / 8;
        for (int j = Grid.IdxX * warpsPerGroup + Warp.WarpIdx; j < s.Out; j += Grid.DimX * warpsPerGroup)
        {
            long rowBlock = (long)j * blocksPerRow;
            for (int t0 = 0; t0 < s.N; t0 += MatMulKernels.TokensPerPass)
            {
                int n = s.N - t0;
                long x0 = (long)t0 * xStride, x1 = x0 + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
                float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                for (int u = lane; u < units; u += warpSize)
                {
                    int block = u / unitsPerBlock;
                    var w = default(TFormat).Octet(quants, parameters, rowBlock + block, u - block * unitsPerBlock);
                    long k = (long)block * blockElements;
                    a0 += w.Dot(x, x0 + k);
                    if (n > 1) a1 += w.Dot(x, x1 + k);
                    if (n > 2) a2 += w.Dot(x, x2 + k);
                    if (n > 3) a3 += w.Dot(x, x3 + k);
                }
                MatMulKernels.StoreRowSums(a0, a1, a2, a3, n, j, t0, bias, output, outStride, s);
            }
        }
    }

    public static void Tiled<TFormat>(ArrayView<float> x, int xStride, ArrayView<uint> quants, ArrayView<uint> parameters,
        ArrayView<float> bias, ArrayView<float> output, int outStride, MatMulShape s)
        where TFormat : struct, IQuantizedFormat =>
        MatMulKernels.TiledRows(x, xStride, new QuantizedRows<TFormat>(quants, parameters, s.In / default(TFormat).BlockElements),
            bias, output, outStride, s);

    public static void Embed<TFormat>(ArrayView<uint> quants, ArrayView<uint> parameters, ArrayView<int> ids, ArrayView<float> output, int outStride, Shape2 s)
        where TFormat : struct, IQuantizedFormat =>
        ElementwiseKernels.EmbedRows(new QuantizedRows<TFormat>(quants, parameters, s.Cols / default(TFormat).BlockElements), ids, output, outStride, s);
}
