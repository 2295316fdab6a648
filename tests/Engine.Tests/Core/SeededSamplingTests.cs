using Engine.Core;
using Engine.Sampling;

namespace Engine.Tests.Core;

/// <summary>Seeded sampling through the whole engine on the real model.</summary>
public class SeededSamplingTests
{
    private static async Task<List<int>> Sample(LlmEngine engine, SamplingParams p) =>
        await EngineRun.Collect(engine.Add(Guid.NewGuid().ToString(), EngineRun.References[0].PromptTokenIds, p));

    [Fact]
    public async Task SameSeed_SameText_DifferentSeeds_Differ()
    {
        using var engine = new LlmEngine(EngineRun.Options());
        var p = new SamplingParams { Temperature = 1.0f, TopP = 0.95f, MaxTokens = 40, Seed = 1234, IgnoreEos = true };
        var first = await Sample(engine, p);
        var again = await Sample(engine, p);
        Assert.Equal(first, again);
        var others = new List<List<int>>();
        for (long seed = 1; seed <= 4; seed++) others.Add(await Sample(engine, p with { Seed = seed }));
        Assert.All(others, o => Assert.NotEqual(first, o));
        Assert.Equal(first, await Sample(engine, p));   // and a batch in between did not disturb it
    }

    [Fact]
    public async Task SameSeed_SameText_WhenBatchedWithOtherRequests()
    {
        using var engine = new LlmEngine(EngineRun.Options());
        var p = new SamplingParams { Temperature = 0.9f, MaxTokens = 30, Seed = 99, IgnoreEos = true };
        var alone = await Sample(engine, p);
        var crowd = Enumerable.Range(0, 8).Select(i => Sample(engine, p with { Seed = 1000 + i })).ToList();
        var batched = Sample(engine, p);
        await Task.WhenAll(crowd);
        Assert.Equal(alone, await batched);
    }

    [Fact]
    public async Task TopK1_EqualsGreedyReference()
    {
        using var engine = new LlmEngine(EngineRun.Options());
        var reference = EngineRun.References[0];
        var ids = await Sample(engine, new SamplingParams { Temperature = 1.3f, TopK = 1, MaxTokens = reference.GreedyTokenIds.Count, Seed = 5 });
        Assert.Equal(reference.GreedyTokenIds, ids);
    }
}
