using Engine.Core;
using Engine.Speculation;
using Engine.Tests.Core;

namespace Engine.Tests.Speculation;

/// <summary>
/// A draft model through the real engine, target stories260K: greedy output equals llama2.c's references with
/// stories260K as its own draft (nearly every draft accepted) and with a random model that shares its tokenizer (drafts
/// mostly rejected), one request at a time and 32 at once; every KV block is free afterwards. A draft with another
/// vocabulary is refused.
/// </summary>
public sealed class DraftModelTests : IDisposable
{
    private readonly TinyModel _random = TinyModel.Create(vocab: 512, seed: 21).WithTokenizerOf(TestData.Stories260K);

    public void Dispose() => _random.Dispose();

    private string Draft(bool self) => self ? TestData.Stories260K : _random.Directory;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Greedy_EqualsEveryReference(bool selfDraft)
    {
        using var engine = new LlmEngine(EngineRun.Options(o => o with { SpeculativeConfig = SpeculationRun.DraftModel(Draft(selfDraft)), BlockSize = 4 }));
        foreach (var (reference, i) in EngineRun.References.Select((r, i) => (r, i)))
        {
            var seq = engine.Add($"r{i}", reference.PromptTokenIds, EngineRun.Greedy(reference.GreedyTokenIds.Count));
            Assert.Equal(reference.GreedyTokenIds, await EngineRun.Collect(seq));
        }
        var stats = engine.Statistics;
        if (selfDraft) Assert.True(stats.AcceptedDraftTokens >= stats.DraftTokens * 9 / 10, $"{stats.AcceptedDraftTokens} of {stats.DraftTokens} accepted");
        else Assert.True(stats.AcceptedDraftTokens < stats.DraftTokens / 2, $"{stats.AcceptedDraftTokens} of {stats.DraftTokens} accepted");
        SpeculationRun.AssertIdle(engine);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task ConcurrentGreedyRequests_EqualEachAlone(bool selfDraft, bool prefixCaching)
    {
        using var engine = new LlmEngine(EngineRun.Options(o => o with
        {
            SpeculativeConfig = SpeculationRun.DraftModel(Draft(selfDraft)),
            EnablePrefixCaching = prefixCaching,
            BlockSize = 4,
            MaxNumSeqs = 32,
        }));
        await SpeculationRun.AssertConcurrentReferencesAsync(engine);
        Assert.True(engine.Statistics.DraftTokens > 0);
        SpeculationRun.AssertIdle(engine);
    }

    [Fact]
    public void DraftWithAnotherVocabulary_IsRefused()
    {
        using var other = TinyModel.Create(vocab: 600, seed: 2).WithTokenizerOf(TestData.Stories260K);
        var error = Assert.Throws<ArgumentException>(() => new LlmEngine(EngineRun.Options(o => o with { SpeculativeConfig = SpeculationRun.DraftModel(other.Directory) })));
        Assert.Equal($"--speculative-config: the draft model {other.Directory} has a vocabulary of 600 tokens, the target 512; a draft must share the target's tokenizer.", error.Message);
    }
}
