using Engine.Backends.Cpu;
using Engine.Lora;
using Engine.Models;

namespace Engine.Tests.Lora;

/// <summary>
/// A forward under a PEFT adapter equals the naive reference forward of the base weights with the adapter merged in the
/// test's own code (W + scale·B·A), within 1e-4 relative: for each target module alone and for all of them with
/// use_rslora, for a whole prompt and token by token through the paged cache.
/// </summary>
public class LoraForwardTests
{
    public static TheoryData<string, bool> Cases()
    {
        var cases = new TheoryData<string, bool>();
        foreach (var module in TinyLora.AllModules) cases.Add(module, false);
        cases.Add("all", true);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WholePromptLogits_MatchNaiveMergedForward(string modules, bool useRslora)
    {
        using var tiny = TinyModel.Create(heads: 8, kvHeads: 2, tied: false);
        using var adapter = TinyLora.Create(tiny, Modules(modules), rank: 4, alpha: 16, useRslora: useRslora);
        var tokens = RandomTokens(tiny.Vocab, 21);
        var expected = NaiveLlama.Forward(adapter.MergedInto(tiny), tokens);

        using var backend = new CpuBackend();
        var (model, lora, cache) = Load(backend, tiny, adapter);
        var logits = PagedForward.Logits(backend, model, cache, [5, 2, 9, 0, 14, 7], tokens, 0, tokens.Length, lora: lora);
        for (int t = 0; t < tokens.Length; t++) LogitsAssert.Close(expected[t], logits.AsSpan(t * tiny.Vocab, tiny.Vocab), $"{modules}, position {t}");
        AssertDiffersFromBase(tiny, tokens, expected);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TokenByTokenDecode_MatchesNaiveMergedForward(string modules, bool useRslora)
    {
        using var tiny = TinyModel.Create(heads: 8, kvHeads: 2, tied: false);
        using var adapter = TinyLora.Create(tiny, Modules(modules), rank: 8, alpha: 8, useRslora: useRslora, seed: 5);
        var tokens = RandomTokens(tiny.Vocab, 19);
        var expected = NaiveLlama.Forward(adapter.MergedInto(tiny), tokens);

        using var backend = new CpuBackend();
        var (model, lora, cache) = Load(backend, tiny, adapter);
        int[] table = [11, 3, 8, 1, 6];
        PagedForward.Logits(backend, model, cache, table, tokens, 0, 7, allPositions: false, lora: lora);
        for (int t = 7; t < tokens.Length; t++)
            LogitsAssert.Close(expected[t], PagedForward.Logits(backend, model, cache, table, tokens, t, 1, allPositions: false, lora: lora), $"{modules}, decode position {t}");
    }

    private static (LlamaModel Model, LoraAdapter Lora, Backends.KvCache Cache) Load(CpuBackend backend, TinyModel tiny, TinyLora adapter)
    {
        var model = ModelLoader.Load(tiny.Directory, backend, null, false, 256, 64, 64);
        var lora = LoraAdapter.Load(new LoraModule("tiny", adapter.Directory), model.Config, 16, backend);
        return (model, lora, backend.AllocateKvCache(tiny.Layers, 16, 4, tiny.KvHeads, tiny.HeadDim));
    }

    /// <summary>The adapter must change the logits, or matching the merged forward would prove nothing.</summary>
    private static void AssertDiffersFromBase(TinyModel tiny, int[] tokens, double[][] merged)
    {
        var plain = NaiveLlama.Forward(tiny, tokens);
        double difference = plain.Zip(merged).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs(v.First - v.Second)));
        Assert.True(difference > 1e-2, $"the adapter changes the logits by only {difference:E3}");
    }

    private static string[] Modules(string modules) => modules == "all" ? TinyLora.AllModules : [modules];

    private static int[] RandomTokens(int vocab, int count)
    {
        var random = new Random(7);
        return Enumerable.Range(0, count).Select(_ => random.Next(vocab)).ToArray();
    }
}
