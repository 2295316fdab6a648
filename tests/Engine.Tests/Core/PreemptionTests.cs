using Engine.Backends;
using Engine.Core;
using Engine.Models;

namespace Engine.Tests.Core;

public class PreemptionTests
{
    [Fact]
    public async Task SmallKvPool_64ConcurrentRequests_AllCorrect_WithPreemptions()
    {
        var config = ModelConfig.Load(TestData.Path("models", "stories260K"));
        long perBlock = KvCache.BytesPerBlock(config.NumLayers, 16, config.NumKvHeads, config.HeadDim);
        // 40 blocks: room for about 8 sequences of ~75 tokens, while 64 want to run.
        using var engine = new LlmEngine(EngineRun.Options(o => o with { KvCacheMemory = 40 * perBlock, MaxModelLen = 128 }));
        var references = EngineRun.References;
        var runs = Enumerable.Range(0, 64).Select(i =>
        {
            var r = references[i % references.Count];
            var seq = engine.Add($"r{i}", r.PromptTokenIds, EngineRun.Greedy(r.GreedyTokenIds.Count));
            return (Ids: EngineRun.Collect(seq, TimeSpan.FromMinutes(2)), Expected: r.GreedyTokenIds);
        }).ToList();
        foreach (var (ids, expected) in runs) Assert.Equal(expected, await ids);
        var snapshot = engine.Snapshot();
        Assert.True(snapshot.Preemptions > 0, "the pool is too small for all sequences, so some must be preempted");
        Assert.Equal(snapshot.TotalBlocks, snapshot.FreeBlocks);
    }
}
