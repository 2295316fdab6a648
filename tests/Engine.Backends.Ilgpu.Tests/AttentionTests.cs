using Engine.Backends;

namespace Engine.Backends.Ilgpu.Tests;

/// <summary>
/// KV writes by slot mapping and paged attention against the CPU backend: several sequences with scattered block
/// tables ending in unused (-1) entries, a cached prefix written in an earlier step, then one step that mixes decodes
/// (one query over the whole cache) with a prefill chunk (causal over the cached prefix and its own new tokens),
/// GQA ratios 1, 2 and 4, contexts longer than one attention tile (32 keys), with every --kv-cache-dtype (both backends
/// round to nearest even, so the caches hold the same values and the attention reads them alike).
/// </summary>
[Collection(IlgpuCollection.Name)]
public class AttentionTests(BackendPair b)
{
    public static TheoryData<int, int, int, int, KvCacheDType> Cases()
    {
        var cases = new TheoryData<int, int, int, int, KvCacheDType>();
        foreach (var dtype in Enum.GetValues<KvCacheDType>())
        {
            cases.Add(4, 4, 8, 4, dtype);     // MHA
            cases.Add(4, 2, 12, 4, dtype);    // GQA 2, odd head size
            cases.Add(8, 2, 16, 16, dtype);   // GQA 4
            cases.Add(6, 3, 10, 8, dtype);    // GQA 2, 3 KV heads (rows of 30: not whole FP8 words)
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PrefixThenMixedStep_MatchesCpu(int heads, int kvHeads, int headDim, int blockSize, KvCacheDType dtype) =>
        PrefixThenMixedStep(new AttentionShape(heads, kvHeads, headDim), blockSize, dtype);

    /// <summary>Gemma's attention: its own score scale (query_pre_attn_scalar), scores soft-capped (a cap small enough that
    /// tanh bites), with and without a sliding window.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void ScaledSoftCappedScores_MatchCpu(int window) =>
        PrefixThenMixedStep(new AttentionShape(4, 2, 12, window) { Scale = 0.45f, SoftCap = 1.5f }, 4, KvCacheDType.Float32);

    private void PrefixThenMixedStep(AttentionShape shape, int blockSize, KvCacheDType dtype)
    {
        int kvHeads = shape.KvHeads, headDim = shape.HeadDim;
        const int blocks = 24;
        var cache = (Cpu: b.Cpu.AllocateKvCache(1, blocks, blockSize, kvHeads, headDim, dtype), Gpu: b.Gpu.AllocateKvCache(1, blocks, blockSize, kvHeads, headDim, dtype));
        Fill(cache, blocks * blockSize, kvHeads * headDim);
        // Scattered blocks; trailing -1 entries are holes the kernels must never read.
        int Need(int tokens) => (tokens + blockSize - 1) / blockSize;
        int[] lengths = [11, 12, 41];
        int next = 0;
        var tables = lengths.Select(len => Enumerable.Range(0, Need(len)).Select(_ => (next++ * 7 + 5) % blocks).Concat([-1, -1]).ToArray()).ToArray();
        Assert.Equal(next, tables.SelectMany(t => t).Where(x => x >= 0).Distinct().Count());

        // Step 1: prefixes (prefill chunks) of the three sequences.
        Step(Batches.Paged(blockSize, tables, (0, 10), (0, 5), (0, 40)), shape, cache, "prefix");
        // Step 2: decode, a 7-token prefill chunk over a 5-token cached prefix, decode past one attention tile.
        Step(Batches.Paged(blockSize, tables, (10, 1), (5, 7), (40, 1)), shape, cache, "mixed");

        b.AssertClose((cache.Cpu.Keys[0], cache.Gpu.Keys[0]), "key cache", 1e-7);
        b.AssertClose((cache.Cpu.Values[0], cache.Gpu.Values[0]), "value cache", 1e-7);
    }

    /// <summary>Random K/V in every slot (as stale blocks hold), the same on both backends.</summary>
    private void Fill((KvCache Cpu, KvCache Gpu) cache, int slots, int width)
    {
        b.BeginStep(Batches.Simple(slots));
        var kv = b.Random2D(slots, 2 * width);
        b.Cpu.WriteKv(kv.Cpu.Columns(0, width), kv.Cpu.Columns(width, width), cache.Cpu, 0);
        b.Gpu.WriteKv(kv.Gpu.Columns(0, width), kv.Gpu.Columns(width, width), cache.Gpu, 0);
    }

    private void Step(ForwardBatch batch, AttentionShape shape, (KvCache Cpu, KvCache Gpu) cache, string what)
    {
        int q = shape.Heads * shape.HeadDim, kv = shape.KvHeads * shape.HeadDim;
        b.BeginStep(batch);
        var qkv = b.Random2D(batch.TokenCount, q + 2 * kv);
        var output = b.Allocate(batch.TokenCount, q);
        b.Cpu.WriteKv(qkv.Cpu.Columns(q, kv), qkv.Cpu.Columns(q + kv, kv), cache.Cpu, 0);
        b.Gpu.WriteKv(qkv.Gpu.Columns(q, kv), qkv.Gpu.Columns(q + kv, kv), cache.Gpu, 0);
        b.Cpu.Attention(qkv.Cpu.Columns(0, q), cache.Cpu, 0, shape, output.Cpu);
        b.Gpu.Attention(qkv.Gpu.Columns(0, q), cache.Gpu, 0, shape, output.Gpu);
        b.AssertClose(output, $"attention {what} {shape}");
    }
}
