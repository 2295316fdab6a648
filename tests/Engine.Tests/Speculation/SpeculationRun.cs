using Engine.Core;
using Engine.Speculation;

namespace Engine.Tests.Speculation;

/// <summary>Configurations and checks shared by the speculative-decoding tests.</summary>
public static class SpeculationRun
{
    public static SpeculativeConfig Ngram(int k = 4) =>
        new() { Method = SpeculativeMethod.Ngram, NumSpeculativeTokens = k, PromptLookupMin = 1, PromptLookupMax = 3 };

    public static SpeculativeConfig DraftModel(string model, int k = 4) =>
        new() { Method = SpeculativeMethod.DraftModel, Model = model, NumSpeculativeTokens = k };

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
