using Engine.Core;

namespace Engine.Tests.Core;

/// <summary>
/// Continuous batching must not change results: 32 concurrent greedy requests (each reference prompt several
/// times, arriving at different steps) each produce exactly llama2.c's ids, with prefix caching on and off,
/// and with a token budget small enough to force chunked prefill in mixed batches.
/// </summary>
public class BatchInvarianceTests
{
    [Theory]
    [InlineData(true, 512)]
    [InlineData(false, 512)]
    [InlineData(true, 7)]
    [InlineData(false, 5)]
    public async Task ConcurrentGreedyRequests_EqualReference(bool prefixCaching, int maxBatchedTokens)
    {
        using var engine = new LlmEngine(EngineRun.Options(o => o with
        {
            EnablePrefixCaching = prefixCaching,
            BlockSize = 4,   // small blocks, so the short reference prompts have full blocks to share
            MaxNumBatchedTokens = maxBatchedTokens,
            MaxNumSeqs = Math.Min(32, maxBatchedTokens),
        }));
        var references = EngineRun.References;
        var running = new List<(Sequence Seq, Task<List<int>> Ids, List<int> Expected)>();
        for (int i = 0; i < 32; i++)
        {
            var reference = references[i % references.Count];
            // Truncated outputs give mixed lengths; requests arrive while others are mid-generation.
            int maxTokens = reference.GreedyTokenIds.Count - (i * 5) % 20;
            var seq = engine.Add($"r{i}", reference.PromptTokenIds, EngineRun.Greedy(maxTokens));
            running.Add((seq, EngineRun.Collect(seq), reference.GreedyTokenIds.Take(maxTokens).ToList()));
            if (i % 4 == 3) await Task.Delay(3);   // staggered arrivals, the test's subject
        }
        foreach (var (seq, ids, expected) in running)
        {
            Assert.Equal(expected, await ids);
            Assert.Equal(FinishReason.Length, seq.FinishReason);
        }
        var snapshot = engine.Snapshot();
        Assert.Equal(snapshot.TotalBlocks, snapshot.FreeBlocks);
        if (prefixCaching) Assert.True(snapshot.PrefixHitTokens > 0, "repeated prompts should hit the prefix cache");
    }
}
