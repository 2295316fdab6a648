using Engine.Backends;
using Engine.Backends.Cpu;

namespace Engine.Tests.Core;

/// <summary>
/// A decode step with several sequences per core runs attention one token (every head) per work item, reading the
/// cache block by block; with fewer sequences it runs one (token, KV head) per item. Both against attention written
/// plainly here (double sums over the cache read back as floats), and against each other to the bit: many decoding
/// sequences of different lengths over scattered blocks, GQA, a sliding window, soft-capped scores, F32, BF16 and FP8 caches.
/// </summary>
public sealed unsafe class DecodeAttentionTests
{
    public static TheoryData<int, int, int, int, float, KvCacheDType> Cases() => new()
    {
        { 4, 4, 16, 0, 0f, KvCacheDType.Float32 },      // MHA
        { 8, 2, 24, 0, 0f, KvCacheDType.Float32 },      // GQA 4, head size not a multiple of 16
        { 6, 3, 16, 21, 0f, KvCacheDType.Float32 },     // GQA 2, sliding window
        { 4, 2, 16, 0, 2.5f, KvCacheDType.BFloat16 },   // soft cap, compact cache
        { 4, 4, 32, 9, 0f, KvCacheDType.BFloat16 },
        { 4, 4, 16, 0, 0f, KvCacheDType.Fp8E4M3 },
        { 8, 2, 16, 0, 0f, KvCacheDType.Fp8E5M2 },      // GQA 4
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ManyDecodingSequences_MatchPlainAttention_AndTheOtherWorkSplit(int heads, int kvHeads, int headDim, int window, float softCap, KvCacheDType dtype)
    {
        const int blockSize = 16, sequences = 9, blocks = 96;
        var shape = new AttentionShape(heads, kvHeads, headDim, window) { SoftCap = softCap };
        var random = new Random(heads * 100 + headDim + window);
        int[] lengths = Enumerable.Range(0, sequences).Select(i => 1 + random.Next(70)).ToArray();
        lengths[0] = 1;   // a first token
        lengths[1] = 64;  // whole blocks
        int maxBlocks = 5;
        var pool = Enumerable.Range(0, blocks).OrderBy(_ => random.Next()).ToArray();
        var tables = new int[sequences * maxBlocks];
        Array.Fill(tables, -1);
        int used = 0;
        for (int s = 0; s < sequences; s++)
            for (int b = 0; b < (lengths[s] + blockSize - 1) / blockSize; b++) tables[s * maxBlocks + b] = pool[used++];
        var batch = new ForwardBatch
        {
            TokenIds = new int[sequences],
            Positions = lengths.Select(l => l - 1).ToArray(),
            SlotMapping = Enumerable.Range(0, sequences).Select(s => tables[s * maxBlocks + (lengths[s] - 1) / blockSize] * blockSize + (lengths[s] - 1) % blockSize).ToArray(),
            TokenSequence = Enumerable.Range(0, sequences).ToArray(),
            BlockTables = tables,
            MaxBlocksPerSequence = maxBlocks,
            LogitTokenIndices = [],
        };
        int kvWidth = kvHeads * headDim, qWidth = heads * headDim;
        var kv = Enumerable.Range(0, blocks * blockSize * 2 * kvWidth).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var q = Enumerable.Range(0, sequences * qWidth).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();

        // One core: 9 sequences >= 4 per core, so one item per token. Four cores: 9 < 16, one item per (token, head).
        var (perToken, keys, values) = Attend(1, shape, blockSize, blocks, dtype, kv, q, batch);
        var (perHead, _, _) = Attend(4, shape, blockSize, blocks, dtype, kv, q, batch);
        Assert.Equal(perHead, perToken);

        int group = heads / kvHeads;
        for (int s = 0; s < sequences; s++)
            for (int h = 0; h < heads; h++)
            {
                int kvHead = h / group, p = lengths[s] - 1, from = shape.FirstVisible(p);
                var scores = new double[p + 1 - from];
                for (int j = from; j <= p; j++)
                {
                    int slot = tables[s * maxBlocks + j / blockSize] * blockSize + j % blockSize;
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) dot += q[s * qWidth + h * headDim + d] * keys[(long)slot * kvWidth + kvHead * headDim + d];
                    dot *= shape.Scale;
                    scores[j - from] = softCap > 0 ? Math.Tanh(dot / softCap) * softCap : dot;
                }
                double max = scores.Max(), sum = scores.Sum(x => Math.Exp(x - max));
                for (int d = 0; d < headDim; d++)
                {
                    double expected = 0;
                    for (int j = from; j <= p; j++)
                    {
                        int slot = tables[s * maxBlocks + j / blockSize] * blockSize + j % blockSize;
                        expected += Math.Exp(scores[j - from] - max) / sum * values[(long)slot * kvWidth + kvHead * headDim + d];
                    }
                    float actual = perToken[s * qWidth + h * headDim + d];
                    Assert.True(Math.Abs(actual - expected) <= 1e-4, $"sequence {s} (length {lengths[s]}), head {h}, dim {d}: {actual} vs {expected}");
                }
            }
    }

    /// <summary>Writes the cache (K and V of every slot), runs the step's attention, returns its output and the cache read back.</summary>
    private static (float[] Output, float[] Keys, float[] Values) Attend(int threads, AttentionShape shape, int blockSize, int blocks,
        KvCacheDType dtype, float[] kv, float[] q, ForwardBatch batch)
    {
        using var backend = new CpuBackend(threads);
        int kvWidth = shape.KvHeads * shape.HeadDim, qWidth = shape.Heads * shape.HeadDim, slots = blocks * blockSize;
        var cache = backend.AllocateKvCache(1, blocks, blockSize, shape.KvHeads, shape.HeadDim, dtype);
        fixed (float* data = kv)
            for (int slot = 0; slot < slots; slot++)
            {
                ((CpuKvTensor)cache.Keys[0]).Write(slot, data + (long)slot * 2 * kvWidth);
                ((CpuKvTensor)cache.Values[0]).Write(slot, data + (long)slot * 2 * kvWidth + kvWidth);
            }
        var query = (CpuTensor)backend.Allocate(batch.TokenCount, qWidth);
        q.CopyTo(new Span<float>(query.Row(0), q.Length));
        var output = backend.Allocate(batch.TokenCount, qWidth);
        backend.BeginStep(batch);
        backend.Attention(query, cache, 0, shape, output);
        var result = new float[batch.TokenCount * qWidth];
        backend.Download(output, result);
        var keys = new float[slots * kvWidth];
        var values = new float[slots * kvWidth];
        backend.Download(cache.Keys[0], keys);
        backend.Download(cache.Values[0], values);
        return (result, keys, values);
    }
}
