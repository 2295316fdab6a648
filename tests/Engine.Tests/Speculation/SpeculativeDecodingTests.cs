using Engine.Backends;
using Engine.Core;
using Engine.Models;
using Engine.Speculation;
using Engine.Tests.Core;

namespace Engine.Tests.Speculation;

/// <summary>
/// Speculative decoding through the real engine on stories260K: greedy output equals llama2.c's references token for
/// token, one request at a time and 32 at once (mixed with chunked prefill, with and without prefix caching, and under
/// preemption), while drafts really are both accepted and rejected; afterwards every KV block is free again.
/// </summary>
public class SpeculativeDecodingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public async Task Ngram_GreedyEqualsEveryReference(int k)
    {
        using var engine = new LlmEngine(EngineRun.Options(o => o with { SpeculativeConfig = SpeculationRun.Ngram(k), BlockSize = 4 }));
        foreach (var (reference, i) in EngineRun.References.Select((r, i) => (r, i)))
        {
            var seq = engine.Add($"r{i}", reference.PromptTokenIds, EngineRun.Greedy(reference.GreedyTokenIds.Count));
            Assert.Equal(reference.GreedyTokenIds, await EngineRun.Collect(seq));
        }
        SpeculationRun.AssertDraftsAcceptedAndRejected(engine);
        SpeculationRun.AssertIdle(engine);
    }

    [Theory]
    [InlineData(true, 512, false)]
    [InlineData(false, 512, false)]
    [InlineData(true, 7, false)]
    [InlineData(true, 512, true)]
    public async Task Ngram_32ConcurrentGreedyRequests_EqualEachAlone(bool prefixCaching, int maxBatchedTokens, bool smallKvPool)
    {
        var config = ModelConfig.Load(TestData.Stories260K);
        using var engine = new LlmEngine(EngineRun.Options(o => o with
        {
            SpeculativeConfig = SpeculationRun.Ngram(),
            EnablePrefixCaching = prefixCaching,
            BlockSize = 4,
            MaxNumBatchedTokens = maxBatchedTokens,
            MaxNumSeqs = Math.Min(32, maxBatchedTokens),
            MaxModelLen = 128,
            // 80 blocks of 4: room for a few sequences, while 32 want to run.
            KvCacheMemory = smallKvPool ? 80 * KvCache.BytesPerBlock(config.NumLayers, 4, config.NumKvHeads, config.HeadDim, KvCacheDType.Float32) : null,
        }));
        await SpeculationRun.AssertConcurrentReferencesAsync(engine);
        SpeculationRun.AssertDraftsAcceptedAndRejected(engine);
        SpeculationRun.AssertIdle(engine);
        if (smallKvPool) Assert.True(engine.Snapshot().Preemptions > 0, "the pool is too small for all sequences, so some must be preempted");
    }

    /// <summary>A stop token inside an accepted run of drafts ends the output at that token, as without speculation.</summary>
    [Fact]
    public async Task StopTokenInsideAcceptedDrafts_EndsThere()
    {
        var reference = EngineRun.References.First(r => r.GreedyTokenIds.Count > 20);
        int stopAt = reference.GreedyTokenIds.Count - 3;
        int stop = reference.GreedyTokenIds[stopAt];
        using var engine = new LlmEngine(EngineRun.Options(o => o with { SpeculativeConfig = SpeculationRun.Ngram(8) }));
        var seq = engine.Add("r", reference.PromptTokenIds, EngineRun.Greedy(reference.GreedyTokenIds.Count) with { StopTokenIds = [stop] });
        var ids = await EngineRun.Collect(seq);
        Assert.Equal(reference.GreedyTokenIds.Take(reference.GreedyTokenIds.IndexOf(stop) + 1), ids);
        Assert.Equal(FinishReason.Stop, seq.FinishReason);
        SpeculationRun.AssertIdle(engine);
    }

    [Fact]
    public void PoolingRunner_RefusesSpeculation()
    {
        var error = Assert.Throws<ArgumentException>(() => new LlmEngine(EngineRun.Options(o => o with { SpeculativeConfig = SpeculationRun.Ngram(), Runner = EngineRunner.Pooling })));
        Assert.Equal("--speculative-config speeds up generation, and --runner pooling generates nothing: drop one of them.", error.Message);
    }
}
