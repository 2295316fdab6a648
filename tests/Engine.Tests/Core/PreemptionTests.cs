using Engine.Backends;
using Engine.Core;
using Engine.Models;

namespace Engine.Tests.Core;

public class PreemptionTests
{
    /// <summary>With every KV dtype, preempted and recomputed sequences give what the same engine gives with room for all
    /// of them (and, with F32 and BF16 KV, llama2.c's greedy references).</summary>
    [Theory]
    [MemberData(nameof(EngineRun.KvCacheDTypes), MemberType = typeof(EngineRun))]
    public async Task SmallKvPool_64ConcurrentRequests_AllCorrect_WithPreemptions(KvCacheDType dtype)
    {
        var config = ModelConfig.Load(TestData.Path("models", "stories260K"));
        long perBlock = KvCache.BytesPerBlock(config.NumLayers, 16, config.NumKvHeads, config.HeadDim, dtype);
        var references = EngineRun.References;
        List<List<int>> expected;
        if (dtype is KvCacheDType.Float32 or KvCacheDType.BFloat16)
            expected = references.Select(r => r.GreedyTokenIds).ToList();
        else
            using (var roomy = new LlmEngine(EngineRun.Options(o => o with { KvCacheDType = dtype, MaxModelLen = 128 })))
                expected = [.. await Task.WhenAll(references.Select((r, i) => EngineRun.Collect(roomy.Add($"x{i}", r.PromptTokenIds, EngineRun.Greedy(r.GreedyTokenIds.Count)))))];

        // 40 blocks: room for about 8 sequences of ~75 tokens, while 64 want to run.
        using var engine = new LlmEngine(EngineRun.Options(o => o with { KvCacheMemory = 40 * perBlock, MaxModelLen = 128, KvCacheDType = dtype }));
        Assert.Equal(40, engine.Snapshot().TotalBlocks);
        var runs = Enumerable.Range(0, 64).Select(i =>
        {
            var r = references[i % references.Count];
            var seq = engine.Add($"r{i}", r.PromptTokenIds, EngineRun.Greedy(r.GreedyTokenIds.Count));
            return (Ids: EngineRun.Collect(seq, TimeSpan.FromMinutes(2)), Expected: expected[i % references.Count]);
        }).ToList();
        foreach (var (ids, want) in runs) Assert.Equal(want, await ids);
        var snapshot = engine.Snapshot();
        Assert.True(snapshot.Preemptions > 0, "the pool is too small for all sequences, so some must be preempted");
        Assert.Equal(snapshot.TotalBlocks, snapshot.FreeBlocks);
    }
}
