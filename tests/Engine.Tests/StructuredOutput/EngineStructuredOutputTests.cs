using System.Text.Json;
using Engine.Backends;
using Engine.Core;
using Engine.Models;
using Engine.Sampling;
using Engine.StructuredOutput;
using Engine.Tests.Core;

namespace Engine.Tests.StructuredOutput;

/// <summary>
/// Structured outputs in the real engine with stories260K: many sequences sharing one compiled grammar each keep
/// their own position; preemption (recompute) and prefix-cache hits leave the grammar state right; in a batch
/// mixing constrained and unconstrained sequences the unconstrained ones still equal llama2.c's greedy reference.
/// </summary>
public class EngineStructuredOutputTests
{
    private static readonly string Schema = StructuredOutputCases.Schemas["any-of"];

    private static SamplingParams Constrained(CompiledGrammar grammar, int seed, int maxTokens = 300) =>
        new() { Temperature = 1, Seed = seed, MaxTokens = maxTokens, StructuredOutput = grammar };

    private static async Task AssertValid(LlmEngine engine, Sequence seq, string schema)
    {
        var ids = await EngineRun.Collect(seq, TimeSpan.FromMinutes(3));
        Assert.Equal(FinishReason.Stop, seq.FinishReason);
        Assert.Contains(ids[^1], engine.Config.EosTokenIds);
        var text = engine.Tokenizer.Decode(ids);
        Assert.True(StructuredOutputCases.JsonErrors(schema, text) is null, $"{seq.RequestId}: {StructuredOutputCases.JsonErrors(schema, text)}\n{text}");
    }

    [Fact]
    public async Task ManySequencesOfOneGrammar_EachFollowsItsOwnPath()
    {
        using var engine = new LlmEngine(EngineRun.Options());
        var grammar = engine.CompileGrammar(Grammar.Json(JsonDocument.Parse(Schema).RootElement));
        Assert.Same(grammar, engine.CompileGrammar(Grammar.Json(JsonDocument.Parse(Schema).RootElement)));   // cached by its key
        var prompt = engine.Tokenizer.Encode("Once upon a time");
        var seqs = Enumerable.Range(0, 16).Select(i => engine.Add($"s{i}", prompt, Constrained(grammar, i))).ToList();
        foreach (var seq in seqs) await AssertValid(engine, seq, Schema);
        Assert.True(seqs.Select(s => string.Join(",", s.TokenIds)).Distinct().Count() > 8, "different seeds take different paths");
    }

    [Fact]
    public async Task Preemption_RecomputedSequencesKeepTheirGrammarState()
    {
        var config = ModelConfig.Load(TestData.Stories260K);
        long perBlock = KvCache.BytesPerBlock(config.NumLayers, 16, config.NumKvHeads, config.HeadDim, KvCacheDType.Float32);
        using var engine = new LlmEngine(EngineRun.Options(o => o with { KvCacheMemory = 40 * perBlock, MaxModelLen = 320 }));
        var grammar = engine.CompileGrammar(Grammar.Json(JsonDocument.Parse(Schema).RootElement));
        var prompt = engine.Tokenizer.Encode("Once upon a time");
        var seqs = Enumerable.Range(0, 32).Select(i => engine.Add($"p{i}", prompt, Constrained(grammar, i, maxTokens: 300))).ToList();
        foreach (var seq in seqs) await AssertValid(engine, seq, Schema);
        Assert.True(engine.Snapshot().Preemptions > 0, "the pool is too small for all sequences, so some must be preempted");
    }

    [Fact]
    public async Task PrefixCacheHit_SameGrammarSameSeed_SameOutput()
    {
        using var engine = new LlmEngine(EngineRun.Options());
        var grammar = engine.CompileGrammar(Grammar.Json(JsonDocument.Parse(Schema).RootElement));
        var prompt = engine.Tokenizer.Encode(string.Concat(Enumerable.Repeat("Once upon a time, there was a little girl. ", 4)));
        var first = engine.Add("first", prompt, Constrained(grammar, 7));
        await AssertValid(engine, first, Schema);
        var second = engine.Add("second", prompt, Constrained(grammar, 7));
        await AssertValid(engine, second, Schema);
        Assert.True(second.PrefixHitTokens > 0, "the second request reuses the cached prompt blocks");
        Assert.Equal(first.TokenIds, second.TokenIds);
    }

    [Fact]
    public async Task MixedBatch_UnconstrainedSequencesStillEqualTheReference()
    {
        using var engine = new LlmEngine(EngineRun.Options());
        var grammar = engine.CompileGrammar(Grammar.Json(JsonDocument.Parse(Schema).RootElement));
        var prompt = engine.Tokenizer.Encode("Once upon a time");
        var alone = engine.Add("alone", prompt, Constrained(grammar, 3));
        await AssertValid(engine, alone, Schema);

        var references = EngineRun.References;
        var plain = references.Select((r, i) => (Seq: engine.Add($"plain{i}", r.PromptTokenIds, EngineRun.Greedy(r.GreedyTokenIds.Count)), r.GreedyTokenIds)).ToList();
        var constrained = Enumerable.Range(0, 8).Select(i => engine.Add($"c{i}", prompt, Constrained(grammar, i + 3))).ToList();
        foreach (var (seq, expected) in plain) Assert.Equal(expected, await EngineRun.Collect(seq));
        foreach (var seq in constrained) await AssertValid(engine, seq, Schema);
        Assert.Equal(alone.TokenIds, constrained[0].TokenIds);   // the same seed gives the same output, batched or alone
    }

    [Fact]
    public async Task Greedy_WithGrammar_IsValidAndDeterministic()
    {
        using var engine = new LlmEngine(EngineRun.Options());
        var grammar = engine.CompileGrammar(Grammar.Regex("(yes|no), because [a-z ]{5,40}\\."));
        var prompt = engine.Tokenizer.Encode("Once upon a time");
        var runs = Enumerable.Range(0, 2).Select(i => engine.Add($"g{i}", prompt, new SamplingParams { Temperature = 0, MaxTokens = 80, StructuredOutput = grammar })).ToList();
        var texts = new List<string>();
        foreach (var seq in runs)
        {
            texts.Add(engine.Tokenizer.Decode(await EngineRun.Collect(seq)));
            Assert.Equal(FinishReason.Stop, seq.FinishReason);
        }
        Assert.True(StructuredOutputCases.FullMatch("(yes|no), because [a-z ]{5,40}\\.", texts[0]), texts[0]);
        Assert.Equal(texts[0], texts[1]);
    }

    [Fact]
    public void IgnoreEosOrMinTokens_WithAGrammar_AreRefused()
    {
        using var engine = new LlmEngine(EngineRun.Options());
        var grammar = engine.CompileGrammar(Grammar.Choice(["a", "b"]));
        var prompt = engine.Tokenizer.Encode("Once");
        Assert.Equal("IgnoreEos", Assert.Throws<ArgumentException>(() => engine.Add("x", prompt, new SamplingParams { IgnoreEos = true, StructuredOutput = grammar })).ParamName);
        Assert.Equal("MinTokens", Assert.Throws<ArgumentException>(() => engine.Add("y", prompt, new SamplingParams { MinTokens = 2, StructuredOutput = grammar })).ParamName);
    }
}
