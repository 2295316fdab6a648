using ILGPU;

namespace Engine.Backends.Ilgpu.Kernels;

/// <summary>
/// Causal paged attention for decode and prefill chunks alike: one thread group per (token, KV head) serves every
/// query head of the GQA group. The token at position p reads positions 0..p of its sequence (the last Window of
/// them under sliding-window attention) through the block table, scores soft-capped when SoftCap &gt; 0 (Gemma 2), Tile keys at a time: the tile's K rows are staged in shared memory, scores and an online softmax
/// (running max and sum per head, FlashAttention-style rescaling) are kept there too, and the output accumulates
/// in shared memory with V read straight from the cache (coalesced along the head dimension). Generic over how the
/// cache stores its elements (<see cref="IKvFormat"/>); cacheStride counts elements (whole words per row).
/// </summary>
public static class AttentionKernels
{
    public static void PagedAttention<TKv>(ArrayView<float> q, int qStride, ArrayView<uint> keyCache, ArrayView<uint> valueCache, int cacheStride,
        ArrayView<float> output, int outStride, ArrayView<int> positions, ArrayView<int> tokenSequence, ArrayView<int> blockTables, AttentionParams p)
        where TKv : struct, IKvFormat
    {
        var shared = SharedMemory.GetDynamic<float>();
        int group = p.Heads / p.KvHeads, headDim = p.HeadDim, tile = p.Tile, pitch = headDim + 1;
        int groupWidth = group * headDim;
        int tid = Group.IdxX, threads = Group.DimX;

        var queries = shared.SubView(0, groupWidth);
        var accumulators = shared.SubView(groupWidth, groupWidth);
        var keys = shared.SubView(2 * groupWidth, tile * pitch);
        var scores = shared.SubView(2 * groupWidth + tile * pitch, group * tile);
        int stats = 2 * groupWidth + tile * pitch + group * tile;
        var runningMax = shared.SubView(stats, group);
        var runningSum = shared.SubView(stats + group, group);
        var rescale = shared.SubView(stats + 2 * group, group);
        var slots = shared.SubView(stats + 3 * group, tile);   // int bits

        for (int item = Grid.IdxX; item < p.Tokens * p.KvHeads; item += Grid.DimX)
        {
            int token = item / p.KvHeads, kvHead = item % p.KvHeads;
            int length = positions[token] + 1;
            int first = p.Window > 0 ? IntrinsicMath.Max(0, length - p.Window) : 0;   // sliding window: the last Window positions
            int tableStart = tokenSequence[token] * p.MaxBlocks;
            long qRow = (long)token * qStride + kvHead * groupWidth;
            int headColumn = kvHead * headDim;

            for (int e = tid; e < groupWidth; e += threads)
            {
                queries[e] = q[qRow + e] * p.Scale;
                accumulators[e] = 0f;
            }
            for (int g = tid; g < group; g += threads)
            {
                runningMax[g] = float.NegativeInfinity;
                runningSum[g] = 0f;
            }
            Group.Barrier();

            for (int j0 = first; j0 < length; j0 += tile)
            {
                int count = IntrinsicMath.Min(tile, length - j0);
                for (int key = tid; key < count; key += threads)
                {
                    int j = j0 + key;
                    int slot = blockTables[tableStart + j / p.BlockSize] * p.BlockSize + j % p.BlockSize;
                    slots[key] = Interop.IntAsFloat((uint)slot);
                }
                Group.Barrier();

                for (int e = tid; e < count * headDim; e += threads)
                {
                    int key = e / headDim, d = e % headDim;
                    long slot = (int)Interop.FloatAsInt(slots[key]);
                    keys[key * pitch + d] = KvLoad.At<TKv>(keyCache, slot * cacheStride + headColumn + d);
                }
                Group.Barrier();

                for (int e = tid; e < group * count; e += threads)
                {
                    int g = e / count, key = e % count;
                    float dot = 0f;
                    for (int d = 0; d < headDim; d++) dot += queries[g * headDim + d] * keys[key * pitch + d];
                    scores[g * tile + key] = p.SoftCap > 0f ? ElementwiseKernels.Tanh(dot / p.SoftCap) * p.SoftCap : dot;
                }
                Group.Barrier();

                for (int g = tid; g < group; g += threads)
                {
                    float previous = runningMax[g], max = previous;
                    for (int key = 0; key < count; key++) max = MathF.Max(max, scores[g * tile + key]);
                    float sum = 0f;
                    for (int key = 0; key < count; key++)
                    {
                        float weight = MathF.Exp(scores[g * tile + key] - max);
                        scores[g * tile + key] = weight;
                        sum += weight;
                    }
                    float scale = MathF.Exp(previous - max);   // 0 on the first tile (previous = -inf)
                    rescale[g] = scale;
                    runningSum[g] = runningSum[g] * scale + sum;
                    runningMax[g] = max;
                }
                Group.Barrier();

                for (int e = tid; e < groupWidth; e += threads)
                {
                    int g = e / headDim, d = e % headDim;
                    float acc = accumulators[e] * rescale[g];
                    for (int key = 0; key < count; key++)
                    {
                        long slot = (int)Interop.FloatAsInt(slots[key]);
                        acc += scores[g * tile + key] * KvLoad.At<TKv>(valueCache, slot * cacheStride + headColumn + d);
                    }
                    accumulators[e] = acc;
                }
                Group.Barrier();
            }

            long outRow = (long)token * outStride + kvHead * groupWidth;
            for (int e = tid; e < groupWidth; e += threads) output[outRow + e] = accumulators[e] / runningSum[e / headDim];
            Group.Barrier();
        }
    }
}
