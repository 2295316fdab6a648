using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Inference.Engine.Backends.Cpu;

/// <summary>
/// Causal attention over the paged KV cache for one (token, KV head) work item: the token at position p
/// reads positions 0..p of its sequence through the block table; every query head of the GQA group shares
/// the K/V rows it loads.
/// </summary>
internal sealed unsafe class PagedAttention(
    CpuTensor q, CpuTensor keys, CpuTensor values, int blockSize, AttentionShape shape, ForwardBatch batch, CpuTensor output)
{
    [ThreadStatic] private static float[]? _scores;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int item)
    {
        int token = item / shape.KvHeads, kvHead = item % shape.KvHeads;
        int sequence = batch.TokenSequence[token];
        int length = batch.Positions[token] + 1;
        int group = shape.GroupSize, headDim = shape.HeadDim;
        int tableStart = sequence * batch.MaxBlocksPerSequence;
        float scale = shape.Scale;

        int needed = group * length;
        if (_scores is null || _scores.Length < needed) _scores = new float[Math.Max(needed, 4096)];
        fixed (float* scores = _scores)
        {
            float* query = q.Row(token) + kvHead * group * headDim;
            for (int j0 = 0; j0 < length; j0 += blockSize)
            {
                int slot0 = batch.BlockTables[tableStart + j0 / blockSize] * blockSize;
                for (int j = j0, end = Math.Min(length, j0 + blockSize); j < end; j++)
                {
                    float* key = keys.Row(slot0 + j - j0) + kvHead * headDim;
                    Prefetch(key + 4 * keys.RowStride, headDim);   // rows are a whole row of all heads apart: help the prefetcher
                    for (int g = 0; g < group; g++) scores[g * length + j] = Dot(query + g * headDim, key, headDim) * scale;
                }
            }
            float* outHeads = output.Row(token) + kvHead * group * headDim;
            for (int g = 0; g < group; g++)
            {
                var s = new Span<float>(scores + g * length, length);
                TensorPrimitives.SoftMax(s, s);
                new Span<float>(outHeads + g * headDim, headDim).Clear();
            }
            for (int j0 = 0; j0 < length; j0 += blockSize)
            {
                int slot0 = batch.BlockTables[tableStart + j0 / blockSize] * blockSize;
                for (int j = j0, end = Math.Min(length, j0 + blockSize); j < end; j++)
                {
                    float* value = values.Row(slot0 + j - j0) + kvHead * headDim;
                    Prefetch(value + 4 * values.RowStride, headDim);
                    for (int g = 0; g < group; g++) Axpy(outHeads + g * headDim, value, scores[g * length + j], headDim);
                }
            }
        }
    }

    /// <summary>Asks for the cache lines of a row a few positions ahead (past a block's end it is a harmless miss).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(float* row, int length)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        for (int i = 0; i < length; i += 16) System.Runtime.Intrinsics.X86.Sse.Prefetch0(row + i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(float* a, float* b, int n)
    {
        int i = 0;
        var acc = Vector512<float>.Zero;
        for (; i + 16 <= n; i += 16) acc = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), acc);
        float sum = Vector512.Sum(acc);
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>y += a · x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy(float* y, float* x, float a, int n)
    {
        int i = 0;
        var av = Vector512.Create(a);
        for (; i + 16 <= n; i += 16) Vector512.FusedMultiplyAdd(Vector512.Load(x + i), av, Vector512.Load(y + i)).Store(y + i);
        for (; i < n; i++) y[i] += a * x[i];
    }
}
