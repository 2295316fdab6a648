using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Loading;
using Engine.Models;

namespace Engine.Tests.Models;

/// <summary>
/// Every supported model variant, written as a tiny random-weight safetensors folder, gives the logits of an
/// independent naive reference forward (double accumulation) within 1e-4 relative error, both for a whole
/// prompt in one batch and token by token through the paged cache.
/// </summary>
public class ModelVariantTests
{
    private static readonly Dictionary<string, object> Llama3Scaling = new()
    {
        ["rope_type"] = "llama3", ["factor"] = 8.0, ["low_freq_factor"] = 1.0, ["high_freq_factor"] = 4.0,
        ["original_max_position_embeddings"] = 64,
    };

    public static TheoryData<string> Variants() => new(VariantFactories.Keys);

    private static readonly Dictionary<string, Func<TinyModel>> VariantFactories = new()
    {
        ["llama-mha"] = () => TinyModel.Create(heads: 4, kvHeads: 4),
        ["gqa-2"] = () => TinyModel.Create(heads: 4, kvHeads: 2),
        ["gqa-4-untied"] = () => TinyModel.Create(heads: 8, kvHeads: 2, tied: false),
        ["mistral"] = () => TinyModel.Create(modelType: "mistral", heads: 4, kvHeads: 1),
        ["qwen2-qkv-bias"] = () => TinyModel.Create(modelType: "qwen2", qkvBias: true, tied: false),
        ["qwen3-qk-norm-head-dim"] = () => TinyModel.Create(modelType: "qwen3", heads: 4, kvHeads: 2, headDim: 12, qkNorm: true),
        ["llama3-rope-scaling"] = () => TinyModel.Create(heads: 4, kvHeads: 2, ropeScaling: Llama3Scaling),
        ["f16-weights"] = () => TinyModel.Create(dtype: DType.F16),
        ["bf16-weights"] = () => TinyModel.Create(dtype: DType.BF16, tied: false),
        ["sharded-3"] = () => TinyModel.Create(shards: 3, tied: false),
        ["odd-sizes"] = () => TinyModel.Create(hidden: 36, heads: 6, kvHeads: 3, intermediate: 50, vocab: 45),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void WholePromptLogits_MatchNaiveReference(string variant)
    {
        using var tiny = VariantFactories[variant]();
        var tokens = RandomTokens(tiny.Vocab, 21);
        var expected = NaiveLlama.Forward(tiny, tokens);

        using var backend = new CpuBackend();
        var model = ModelLoader.Load(tiny.Directory, backend, null, false, 256, 64, 64);
        var cache = backend.AllocateKvCache(tiny.Layers, 16, 4, tiny.KvHeads, tiny.HeadDim);
        int[] table = [5, 2, 9, 0, 14, 7];
        var logits = Run(backend, model, cache, table, tokens, 0, tokens.Length, allLogits: true);
        for (int t = 0; t < tokens.Length; t++) AssertClose(expected[t], logits.AsSpan(t * tiny.Vocab, tiny.Vocab), $"{variant}, position {t}");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TokenByTokenDecode_MatchesNaiveReference(string variant)
    {
        using var tiny = VariantFactories[variant]();
        var tokens = RandomTokens(tiny.Vocab, 19);
        var expected = NaiveLlama.Forward(tiny, tokens);

        using var backend = new CpuBackend();
        var model = ModelLoader.Load(tiny.Directory, backend, null, false, 256, 64, 64);
        var cache = backend.AllocateKvCache(tiny.Layers, 16, 4, tiny.KvHeads, tiny.HeadDim);
        int[] table = [11, 3, 8, 1, 6];
        Run(backend, model, cache, table, tokens, 0, 7, allLogits: false);   // a 7-token prefill chunk
        for (int t = 7; t < tokens.Length; t++)
        {
            var logits = Run(backend, model, cache, table, tokens, t, 1, allLogits: false);
            AssertClose(expected[t], logits, $"{variant}, decode position {t}");
        }
    }

    private static float[] Run(IComputeBackend backend, LlamaModel model, KvCache cache, int[] table, int[] tokens, int start, int count, bool allLogits)
    {
        var positions = Enumerable.Range(start, count).ToArray();
        var batch = new ForwardBatch
        {
            TokenIds = tokens[start..(start + count)],
            Positions = positions,
            SlotMapping = positions.Select(p => table[p / 4] * 4 + p % 4).ToArray(),
            TokenSequence = new int[count],
            BlockTables = table,
            MaxBlocksPerSequence = table.Length,
            LogitTokenIndices = allLogits ? Enumerable.Range(0, count).ToArray() : [count - 1],
        };
        var logits = model.Forward(batch, cache);
        var host = new float[logits.Rows * logits.Cols];
        backend.Download(logits, host);
        return host;
    }

    private static int[] RandomTokens(int vocab, int count)
    {
        var random = new Random(7);
        return Enumerable.Range(0, count).Select(_ => random.Next(vocab)).ToArray();
    }

    private static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string what)
    {
        double scale = expected.Max(Math.Abs), worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst / scale < 1e-4, $"{what}: max abs error {worst:E3} vs max |logit| {scale:E3} (relative {worst / scale:E3})");
    }
}
