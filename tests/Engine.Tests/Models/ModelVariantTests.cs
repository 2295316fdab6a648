using Engine.Backends.Cpu;
using Engine.Models;

namespace Engine.Tests.Models;

/// <summary>
/// Every supported model variant, written as a tiny random-weight safetensors folder, gives the logits of an
/// independent naive reference forward (double accumulation) within 1e-4 relative error, both for a whole
/// prompt in one batch, token by token through the paged cache, and batched with other sequences.
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

    /// <summary>One step holding a decode of this variant's sequence, the whole prompt of a second one and a prefill chunk
    /// of a third, each in its own scattered blocks: every row equals the naive forward of its own sequence alone.</summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public void BatchedWithOtherSequences_MatchesNaiveReference(string variant)
    {
        using var tiny = TinyModelVariants.Create(variant);
        int[][] prompts = [RandomTokens(tiny.Vocab, 17), RandomTokens(tiny.Vocab, 13, seed: 8), RandomTokens(tiny.Vocab, 15, seed: 9)];
        int[][] tables = [[11, 3, 8, 1, 6], [0, 14, 2, 9, 5], [4, 12, 7, 10, 13]];
        int[] starts = [16, 0, 6];

        using var backend = new CpuBackend();
        var model = ModelLoader.Load(tiny.Directory, backend, null, false, 256, 64, 64);
        var cache = backend.AllocateKvCache(tiny.Layers, 16, 4, tiny.KvHeads, tiny.HeadDim);
        PagedForward.Logits(backend, model, cache, tables[0], prompts[0], 0, starts[0], allPositions: false);
        PagedForward.Logits(backend, model, cache, tables[2], prompts[2], 0, starts[2], allPositions: false);
        var logits = PagedForward.BatchLogits(backend, model, cache, tables, prompts, starts);
        int row = 0;
        for (int s = 0; s < prompts.Length; s++)
        {
            var expected = NaiveLlama.Forward(tiny, prompts[s]);
            for (int t = starts[s]; t < prompts[s].Length; t++, row++)
                LogitsAssert.Close(expected[t], logits.AsSpan(row * tiny.Vocab, tiny.Vocab), $"{variant}, sequence {s}, position {t}");
        }
    }

    private static int[] RandomTokens(int vocab, int count, int seed = 7)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(vocab)).ToArray();
    }
}
