using Engine.Backends;
using Engine.Core;
using Engine.Pooling;
using Engine.Sampling;

namespace Engine.Tests.Core;

/// <summary>
/// Pooling sequences (embeddings) through the real engine: the pooled final hidden state equals the naive reference
/// forward's (last token, or the mean over the input) within 1e-4, alone, batched with 31 other requests (generating
/// and pooling), in prefill chunks, with prefix-cache hits, and under preemption; their KV blocks are freed at once.
/// </summary>
public sealed class PoolingTests : IDisposable
{
    private readonly TinyModel _tiny = TinyModel.Create(hidden: 48, heads: 4, kvHeads: 2, layers: 3, intermediate: 64, vocab: 512, seed: 11)
        .WithTokenizerOf(TestData.Stories260K);

    public void Dispose() => _tiny.Dispose();

    private LlmEngine Engine(Func<EngineOptions, EngineOptions>? change = null, IComputeBackend? backend = null)
    {
        var options = new EngineOptions { Model = _tiny.Directory, MaxNumBatchedTokens = 256, MaxNumSeqs = 64, BlockSize = 4, Seed = 3 };
        return new LlmEngine(change is null ? options : change(options), backend);
    }

    private static int[] Tokens(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(3, 512)).ToArray();
    }

    private double[] Expected(int[] tokens, PoolingType type)
    {
        var states = NaiveLlama.FinalHiddenStates(_tiny, tokens);
        return type == PoolingType.Last ? states[^1] : Enumerable.Range(0, _tiny.Hidden).Select(i => states.Average(r => r[i])).ToArray();
    }

    private static async Task<float[]> Pooled(Sequence seq)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var outputs = new List<SequenceOutput>();
        await foreach (var output in seq.Output.Reader.ReadAllAsync(timeout.Token)) outputs.Add(output);
        var only = Assert.Single(outputs);
        Assert.Equal(FinishReason.Stop, only.FinishReason);
        return only.Pooled!;
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs), worst = expected.Select((e, i) => Math.Abs(e - actual[i])).Max();
        Assert.True(worst / scale < 1e-4, $"{what}: max abs error {worst:E3} vs max |value| {scale:E3}");
    }

    [Theory]
    [InlineData(PoolingType.Last)]
    [InlineData(PoolingType.Mean)]
    public async Task PooledHiddenState_EqualsNaiveForward(PoolingType type)
    {
        using var engine = Engine();
        var tokens = Tokens(1, 37);
        AssertClose(Expected(tokens, type), await Pooled(engine.AddPooling("p", tokens, type)), type.ToString());
        var snapshot = engine.Snapshot();
        Assert.Equal(snapshot.TotalBlocks, snapshot.FreeBlocks);   // prefill only: nothing is kept
    }

    [Theory]
    [InlineData(PoolingType.Last, true)]
    [InlineData(PoolingType.Mean, true)]
    [InlineData(PoolingType.Last, false)]
    public async Task BatchedWith31Others_InChunks_GivesTheSameVector(PoolingType type, bool prefixCaching)
    {
        // A small token budget cuts prompts into chunks that share steps with decodes and other pooling prefills.
        using var engine = Engine(o => o with { MaxNumBatchedTokens = 24, MaxNumSeqs = 24, EnablePrefixCaching = prefixCaching });
        var tokens = Tokens(2, 45);
        var alone = await Pooled(engine.AddPooling("alone", tokens, type));

        var others = new List<Task>();
        for (int i = 0; i < 31; i++)
        {
            // Generating requests and pooling ones, some sharing the probe's prefix (prefix-cache hits), arriving over time.
            var prompt = i % 3 == 0 ? [.. tokens[..20], .. Tokens(100 + i, 9)] : Tokens(100 + i, 5 + i);
            others.Add(i % 2 == 0
                ? EngineRun.Collect(engine.Add($"g{i}", prompt, new SamplingParams { Temperature = 1, MaxTokens = 12 }))
                : Pooled(engine.AddPooling($"o{i}", prompt, i % 4 == 1 ? PoolingType.Mean : PoolingType.Last)));
            if (i == 15) others.Add(Pooled(engine.AddPooling("probe", tokens, type)).ContinueWith(t => AssertClose(alone.Select(v => (double)v).ToArray(), t.Result, "batched")));
        }
        await Task.WhenAll(others);
        AssertClose(Expected(tokens, type), alone, "alone");
        var snapshot = engine.Snapshot();
        Assert.Equal(snapshot.TotalBlocks, snapshot.FreeBlocks);
    }

    [Fact]
    public async Task PreemptedMeanPooling_CountsEveryPositionOnce()
    {
        // 12 blocks of 4 tokens: a generating request grows while mean-pooling inputs of 9 blocks each are prefilled in
        // chunks, so a half-computed input is preempted (its blocks freed) and later computed again from position 0.
        long bytesPerBlock = global::Engine.Backends.KvCache.BytesPerBlock(_tiny.Layers, 4, _tiny.KvHeads, _tiny.HeadDim, global::Engine.Backends.KvCacheDType.Float32);
        // The engine is held until all are queued: else, on a busy machine, "g" may finish before the inputs arrive.
        var held = new HeldBackend(new global::Engine.Backends.Cpu.CpuBackend());
        using var engine = Engine(o => o with { KvCacheMemory = 12 * bytesPerBlock, MaxNumBatchedTokens = 16, MaxNumSeqs = 8, MaxModelLen = 40 }, held);
        var generating = EngineRun.Collect(engine.Add("g", Tokens(299, 20), new SamplingParams { Temperature = 1, MaxTokens = 20, IgnoreEos = true }));
        var inputs = Enumerable.Range(0, 4).Select(i => Tokens(300 + i, 36)).ToList();
        var pooling = inputs.Select((t, i) => Pooled(engine.AddPooling($"m{i}", t, PoolingType.Mean))).ToList();
        held.Release();
        var pooled = await Task.WhenAll(pooling);
        Assert.Equal(20, (await generating).Count);
        for (int i = 0; i < inputs.Count; i++) AssertClose(Expected(inputs[i], PoolingType.Mean), pooled[i], $"input {i}");
        Assert.True(engine.Snapshot().Preemptions > 0, "the small KV pool should have forced a preemption");
    }

    [Fact]
    public async Task PoolingRunner_LoadsNoLmHead_EmbedsAndRefusesToGenerate()
    {
        using var untied = TinyModel.Create(hidden: 32, vocab: 512, tied: false, seed: 5).WithTokenizerOf(TestData.Stories260K);
        // The checkpoint of an embedding model: the bare decoder, no lm_head and no "model." prefix (as Qwen3-Embedding's).
        untied.RewriteCheckpoint(name => name == "lm_head.weight" ? null : name["model.".Length..]);
        using var engine = new LlmEngine(new EngineOptions { Model = untied.Directory, Runner = EngineRunner.Pooling, MaxNumBatchedTokens = 64, MaxNumSeqs = 8 });
        var tokens = Tokens(9, 17);
        AssertClose(NaiveLlama.FinalHiddenStates(untied, tokens)[^1], await Pooled(engine.AddPooling("e", tokens, PoolingType.Last)), "pooling runner");
        var refused = Assert.Throws<ArgumentException>(() => engine.Add("g", tokens, new SamplingParams { MaxTokens = 4 }));
        Assert.Contains("--runner pooling", refused.Message);
    }
}
