using Engine.Backends.Cpu;
using Engine.Models;

namespace Engine.Tests.Models;

/// <summary>
/// Every supported model variant, written as a tiny random-weight safetensors folder, gives the logits of an
/// independent naive reference forward (double accumulation) within 1e-4 relative error, both for a whole
/// prompt in one batch and token by token through the paged cache.
/// </summary>
public class ModelVariantTests
{
    public static TheoryData<string> Variants() => new(TinyModelVariants.Names);

    [Theory]
    [MemberData(nameof(Variants))]
    public void WholePromptLogits_MatchNaiveReference(string variant)
    {
        using var tiny = TinyModelVariants.Create(variant);
        var tokens = RandomTokens(tiny.Vocab, 21);
        var expected = NaiveLlama.Forward(tiny, tokens);

        using var backend = new CpuBackend();
        var model = ModelLoader.Load(tiny.Directory, backend, null, false, 256, 64, 64);
        var cache = backend.AllocateKvCache(tiny.Layers, 16, 4, tiny.KvHeads, tiny.HeadDim);
        int[] table = [5, 2, 9, 0, 14, 7];
        var logits = PagedForward.Logits(backend, model, cache, table, tokens, 0, tokens.Length);
        for (int t = 0; t < tokens.Length; t++) LogitsAssert.Close(expected[t], logits.AsSpan(t * tiny.Vocab, tiny.Vocab), $"{variant}, position {t}");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TokenByTokenDecode_MatchesNaiveReference(string variant)
    {
        using var tiny = TinyModelVariants.Create(variant);
        var tokens = RandomTokens(tiny.Vocab, 19);
        var expected = NaiveLlama.Forward(tiny, tokens);

        using var backend = new CpuBackend();
        var model = ModelLoader.Load(tiny.Directory, backend, null, false, 256, 64, 64);
        var cache = backend.AllocateKvCache(tiny.Layers, 16, 4, tiny.KvHeads, tiny.HeadDim);
        int[] table = [11, 3, 8, 1, 6];
        PagedForward.Logits(backend, model, cache, table, tokens, 0, 7, allPositions: false);   // a 7-token prefill chunk
        for (int t = 7; t < tokens.Length; t++)
        {
            var logits = PagedForward.Logits(backend, model, cache, table, tokens, t, 1, allPositions: false);
            LogitsAssert.Close(expected[t], logits, $"{variant}, decode position {t}");
        }
    }

    private static int[] RandomTokens(int vocab, int count)
    {
        var random = new Random(7);
        return Enumerable.Range(0, count).Select(_ => random.Next(vocab)).ToArray();
    }
}
