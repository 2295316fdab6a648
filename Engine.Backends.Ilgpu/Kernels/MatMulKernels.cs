using ILGPU;

namespace Engine.Backends.Ilgpu.Kernels;

/// <summary>
/// output[N, Out] = x[N, In] · weight[Out, In]ᵀ (+ bias), weights in any <see cref="IWeightFormat"/>, rows of the
/// weight padded to whole words (the padding is zero). Two kernels: <see cref="MatVec{TFormat}"/> for decode-sized
/// N (one warp streams one weight row, reading it once for up to 4 tokens at a time) and
/// <see cref="Tiled{TFormat}"/>, a shared-memory tiled GEMM for prefill where cuBLAS is not used.
/// </summary>
public static class MatMulKernels
{
    /// <summary>Tokens each warp keeps accumulators for while it streams one weight row.</summary>
    public const int TokensPerPass = 4;

    /// <summary>K-depth of one shared-memory tile of <see cref="Tiled{TFormat}"/>.</summary>
    public const int TileDepth = 16;

    public static void MatVec<TFormat>(ArrayView<float> x, int xStride, ArrayView<ulong> weight, int weightStride,
        ArrayView<float> bias, ArrayView<float> output, int outStride, MatMulShape s)
        where TFormat : struct, IWeightFormat
    {
        int per = default(TFormat).PerWord;
        int lane = Warp.LaneIdx, warpSize = Warp.WarpSize;
        int warpsPerGroup = Group.DimX / warpSize;
        int wordsPerRow = weightStride / per;
        int inWords = (s.In + per - 1) / per;
        for (int j = Grid.IdxX * warpsPerGroup + Warp.WarpIdx; j < s.Out; j += Grid.DimX * warpsPerGroup)
        {
            long rowWord = (long)j * wordsPerRow;
            for (int t0 = 0; t0 < s.N; t0 += TokensPerPass)
            {
                int n = s.N - t0;
                long x0 = (long)t0 * xStride, x1 = x0 + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
                float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                for (int kw = lane; kw < inWords; kw += warpSize)
                {
                    ulong word = weight[rowWord + kw];
                    for (int e = 0; e < per; e++)
                    {
                        int k = kw * per + e;
                        if (k >= s.In) break;
                        float w = default(TFormat).Element(word, e);
                        a0 += w * x[x0 + k];
                        if (n > 1) a1 += w * x[x1 + k];
                        if (n > 2) a2 += w * x[x2 + k];
                        if (n > 3) a3 += w * x[x3 + k];
                    }
                }
                StoreRowSums(a0, a1, a2, a3, n, j, t0, bias, output, outStride, s);
            }
        }
    }

    /// <summary>The warp's partial sums of row <paramref name="row"/> for tokens t0.. (n of them, at most 4) reduced and
    /// stored with the bias. n is the same for the whole warp, so every lane takes the same branches.</summary>
    internal static void StoreRowSums(float a0, float a1, float a2, float a3, int n, int row, int t0,
        ArrayView<float> bias, ArrayView<float> output, int outStride, MatMulShape s)
    {
        a0 = GroupReduce.WarpSum(a0);
        if (n > 1) a1 = GroupReduce.WarpSum(a1);
        if (n > 2) a2 = GroupReduce.WarpSum(a2);
        if (n > 3) a3 = GroupReduce.WarpSum(a3);
        if (Warp.LaneIdx != 0) return;
        float b = s.HasBias != 0 ? bias[row] : 0f;
        long o = (long)t0 * outStride + row;
        output[o] = a0 + b;
        if (n > 1) output[o + outStride] = a1 + b;
        if (n > 2) output[o + 2L * outStride] = a2 + b;
        if (n > 3) output[o + 3L * outStride] = a3 + b;
    }

    /// <summary>
    /// A group of Side² threads computes a (4·Side)×(4·Side) output tile, each thread a 4×4 block (rows and columns
    /// Side apart), over K in steps of <see cref="TileDepth"/> staged in dynamic shared memory (padded against bank conflicts).
    /// </summary>
    public static void Tiled<TFormat>(ArrayView<float> x, int xStride, ArrayView<ulong> weight, int weightStride,
        ArrayView<float> bias, ArrayView<float> output, int outStride, MatMulShape s)
        where TFormat : struct, IWeightFormat =>
        TiledRows(x, xStride, new DenseRows<TFormat>(weight, weightStride), bias, output, outStride, s);

    /// <summary>The body of <see cref="Tiled{TFormat}"/> for weights in any row form (dense or block-quantized, each
    /// element loaded into shared memory once per tile).</summary>
    internal static void TiledRows<TRows>(ArrayView<float> x, int xStride, TRows weight,
        ArrayView<float> bias, ArrayView<float> output, int outStride, MatMulShape s)
        where TRows : struct, IWeightRows
    {
        var shared = SharedMemory.GetDynamic<float>();
        int side = s.Side, tile = 4 * side, pitch = tile + 1;
        var xTile = shared.SubView(0, TileDepth * pitch);
        var wTile = shared.SubView(TileDepth * pitch, TileDepth * pitch);
        int tid = Group.IdxX, threads = Group.DimX;
        int ty = tid / side, tx = tid % side;
        int tilesN = (s.Out + tile - 1) / tile, tilesM = (s.N + tile - 1) / tile;
        for (int t = Grid.IdxX; t < tilesM * tilesN; t += Grid.DimX)
        {
            int m0 = t / tilesN * tile, n0 = t % tilesN * tile;
            float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
            float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
            for (int k0 = 0; k0 < s.In; k0 += TileDepth)
            {
                for (int e = tid; e < tile * TileDepth; e += threads)
                {
                    int m = e / TileDepth, kk = e % TileDepth;
                    int row = m0 + m, k = k0 + kk;
                    xTile[kk * pitch + m] = row < s.N && k < s.In ? x[(long)row * xStride + k] : 0f;
                    int col = n0 + m;
                    wTile[kk * pitch + m] = col < s.Out && k < s.In ? weight.At(col, k) : 0f;
                }
                Group.Barrier();
                for (int kk = 0; kk < TileDepth; kk++)
                {
                    int xa = kk * pitch + ty, wb = kk * pitch + tx;
                    float a0 = xTile[xa], a1 = xTile[xa + side], a2 = xTile[xa + 2 * side], a3 = xTile[xa + 3 * side];
                    float b0 = wTile[wb], b1 = wTile[wb + side], b2 = wTile[wb + 2 * side], b3 = wTile[wb + 3 * side];
                    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
                }
                Group.Barrier();
            }
            int r0 = m0 + ty, col0 = n0 + tx;
            Store(output, outStride, bias, s, r0, col0, side, c00, c01, c02, c03);
            Store(output, outStride, bias, s, r0 + side, col0, side, c10, c11, c12, c13);
            Store(output, outStride, bias, s, r0 + 2 * side, col0, side, c20, c21, c22, c23);
            Store(output, outStride, bias, s, r0 + 3 * side, col0, side, c30, c31, c32, c33);
        }
    }

    private static void Store(ArrayView<float> output, int outStride, ArrayView<float> bias, MatMulShape s,
        int row, int col, int side, float v0, float v1, float v2, float v3)
    {
        if (row >= s.N) return;
        long at = (long)row * outStride;
        StoreOne(output, at, bias, s, col, v0);
        StoreOne(output, at, bias, s, col + side, v1);
        StoreOne(output, at, bias, s, col + 2 * side, v2);
        StoreOne(output, at, bias, s, col + 3 * side, v3);
    }

    private static void StoreOne(ArrayView<float> output, long rowStart, ArrayView<float> bias, MatMulShape s, int col, float value)
    {
        if (col < s.Out) output[rowStart + col] = value + (s.HasBias != 0 ? bias[col] : 0f);
    }
}
