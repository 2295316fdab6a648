using Engine.Core;
using Engine.Speculation;
using Engine.Tests.Core;

namespace Engine.Tests.Speculation;

/// <summary>Configurations and checks shared by the speculative-decoding tests.</summary>
public static class SpeculationRun
{
    public static SpeculativeConfig Ngram(int k = 4) =>
        new() { Method = SpeculativeMethod.Ngram, NumSpeculativeTokens = k, PromptLookupMin = 1, PromptLookupMax = 3 };

    public static SpeculativeConfig DraftModel(string model, int k = 4) =>
        new() { Method = SpeculativeMethod.DraftModel, Model = model, NumSpeculativeTokens = k };

    /// <summary>32 greedy requests of the references, arriving while others are mid-generation, each equal to its reference
    /// (truncated outputs give mixed lengths, so max_tokens falls inside accepted runs too).</summary>
    public static async Task AssertConcurrentReferencesAsync(LlmEngine engine)
    {
        var references = EngineRun.References;
        var running = new List<(Task<List<int>> Ids, List<int> Expected)>();
        for (int i = 0; i < 32; i++)
        {
            var reference = references[i % references.Count];
            int maxTokens = reference.GreedyTokenIds.Count - (i * 5) % 20;
            running.Add((EngineRun.Collect(engine.Add($"r{i}", reference.PromptTokenIds, EngineRun.Greedy(maxTokens)), TimeSpan.FromMinutes(2)),
                reference.GreedyTokenIds.Take(maxTokens).ToList()));
            if (i % 4 == 3) await Task.Delay(3);
        }
        foreach (var (ids, expected) in running) Assert.Equal(expected, await ids);
    }

    public static void AssertDraftsAcceptedAndRejected(LlmEngine engine)
    {
        var stats = engine.Statistics;
        Assert.True(stats.AcceptedDraftTokens > 0, $"no draft token was accepted ({stats.DraftTokens} proposed)");
        Assert.True(stats.AcceptedDraftTokens < stats.DraftTokens, $"every one of {stats.DraftTokens} draft tokens was accepted: nothing was rolled back");
        Assert.True(stats.Drafts > 0 && stats.Drafts <= stats.DraftTokens);
    }

    public static void AssertIdle(LlmEngine engine)
    {
        var snapshot = engine.Snapshot();
        Assert.Equal((0, 0), (snapshot.Running, snapshot.Waiting));
        Assert.Equal(snapshot.TotalBlocks, snapshot.FreeBlocks);
    }
}
