using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Core;
using Engine.Models;
using Engine.Tests.Core;

namespace Engine.Tests.KvCacheDTypes;

/// <summary>
/// A compact KV cache against the F32 one. Bound (the README's): over every model variant, a 7-token prefill chunk
/// then token-by-token decode through the paged cache, the largest logit error relative to the largest |logit| is
/// below 1e-2 with BF16 KV, 5e-2 with FP8 E4M3 and 1e-1 with FP8 E5M2 (their 8, 4 and 3 significant bits).
/// </summary>
public class CompactKvAccuracyTests
{
    public static TheoryData<string, KvCacheDType> Cases()
    {
        var cases = new TheoryData<string, KvCacheDType>();
        foreach (var variant in TinyModelVariants.Names)
            foreach (var type in new[] { KvCacheDType.BFloat16, KvCacheDType.Fp8E4M3, KvCacheDType.Fp8E5M2 }) cases.Add(variant, type);
        return cases;
    }

    public static double Bound(KvCacheDType type) => type switch
    {
        KvCacheDType.BFloat16 => 1e-2,
        KvCacheDType.Fp8E4M3 => 5e-2,
        _ => 1e-1,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DecodeLogits_StayWithinTheDocumentedBoundOfF32Kv(string variant, KvCacheDType type)
    {
        using var tiny = TinyModelVariants.Create(variant);
        var random = new Random(7);
        var tokens = Enumerable.Range(0, 40).Select(_ => random.Next(tiny.Vocab)).ToArray();
        using var backend = new CpuBackend();
        var model = ModelLoader.Load(tiny.Directory, backend, null, false, 256, 64, 64);
        int[] table = [11, 3, 8, 1, 6, 13, 0, 9, 2, 14];
        var reference = backend.AllocateKvCache(tiny.Layers, 16, 4, tiny.KvHeads, tiny.HeadDim);
        var compact = backend.AllocateKvCache(tiny.Layers, 16, 4, tiny.KvHeads, tiny.HeadDim, type);
        PagedForward.Logits(backend, model, reference, table, tokens, 0, 7, allPositions: false);
        PagedForward.Logits(backend, model, compact, table, tokens, 0, 7, allPositions: false);
        Assert.Equal(type, compact.DType);
        double worst = 0;
        for (int t = 7; t < tokens.Length; t++)
        {
            var expected = PagedForward.Logits(backend, model, reference, table, tokens, t, 1, allPositions: false);
            var actual = PagedForward.Logits(backend, model, compact, table, tokens, t, 1, allPositions: false);
            double scale = expected.Max(Math.Abs), error = expected.Zip(actual, (e, a) => (double)Math.Abs(e - a)).Max();
            worst = Math.Max(worst, error / scale);
        }
        Assert.True(worst < Bound(type), $"{variant}, {type}: relative logit error {worst:E3} ≥ {Bound(type):E1}");
        Assert.True(worst > 0, "the compact cache should round something");
    }

    [Fact]
    public async Task StoriesGreedyReferences_UnchangedWithBFloat16Kv()
    {
        using var engine = new LlmEngine(EngineRun.Options(o => o with { KvCacheDType = KvCacheDType.BFloat16 }));
        var references = EngineRun.References;
        var outputs = await Task.WhenAll(references.Select((r, i) => EngineRun.Collect(engine.Add($"r{i}", r.PromptTokenIds, EngineRun.Greedy(r.GreedyTokenIds.Count)))));
        for (int i = 0; i < references.Count; i++) Assert.Equal(references[i].GreedyTokenIds, outputs[i]);
    }

    [Theory]
    [InlineData(KvCacheDType.BFloat16, 2)]
    [InlineData(KvCacheDType.Fp8E4M3, 4)]
    [InlineData(KvCacheDType.Fp8E5M2, 4)]
    public void TheSameKvMemory_HoldsMoreBlocks(KvCacheDType type, int factor)
    {
        var config = ModelConfig.Load(TestData.Path("models", "stories260K"));
        long memory = 100 * KvCache.BytesPerBlock(config.NumLayers, 16, config.NumKvHeads, config.HeadDim, KvCacheDType.Float32);
        using var f32 = new LlmEngine(EngineRun.Options(o => o with { KvCacheMemory = memory, MaxModelLen = 256 }));
        using var compact = new LlmEngine(EngineRun.Options(o => o with { KvCacheMemory = memory, MaxModelLen = 256, KvCacheDType = type }));
        Assert.Equal(100, f32.Snapshot().TotalBlocks);
        Assert.Equal(factor * 100, compact.Snapshot().TotalBlocks);
    }
}
