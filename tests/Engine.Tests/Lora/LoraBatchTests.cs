using Engine.Core;
using Engine.Lora;
using Engine.Tests.Core;

namespace Engine.Tests.Lora;

/// <summary>
/// A batch of 32 requests over 3 adapters and the base model gives each request the output it has alone, with prefix
/// caching on and prompts that share their first blocks (so KV shared across adapters would show), --max-loras 2 (so
/// some adapters' requests wait for others' to finish), and again once the cache is warm; also with a KV pool so small
/// that sequences are preempted and recomputed under their adapters.
/// </summary>
public sealed class LoraBatchTests : IDisposable
{
    private static readonly string?[] Names = [null, "alpha", "beta", "gamma"];

    private readonly TinyModel _model = TinyModel.Create(vocab: 512, tied: false, seed: 21).WithTokenizerOf(TestData.Stories260K);
    private readonly TinyLora[] _adapters;

    public LoraBatchTests()
    {
        _adapters =
        [
            TinyLora.Create(_model, rank: 4, alpha: 16, seed: 1),
            TinyLora.Create(_model, ["q_proj", "v_proj", "down_proj"], rank: 8, alpha: 8, useRslora: true, seed: 2),
            TinyLora.Create(_model, ["o_proj", "gate_proj", "up_proj"], rank: 2, alpha: 8, seed: 3),
        ];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MixedBatch_EqualsEachRequestAlone(bool tightKvPool)
    {
        var requests = Enumerable.Range(0, 32).Select(i => (Adapter: Names[i % 4], Prompt: Prompt(i / 4))).ToList();
        var options = EngineRun.Options(o => o with
        {
            Model = _model.Directory,
            BlockSize = 4,
            EnableLora = true,
            MaxLoras = 2,
            LoraModules = [.. Names.Skip(1).Select((name, i) => new LoraModule(name!, _adapters[i].Directory))],
            MaxModelLen = 32,
        });
        // 10 blocks of 4 tokens, while the 32 sequences want up to 7 each.
        long tight = 10 * Backends.KvCache.BytesPerBlock(_model.Layers, 4, _model.KvHeads, _model.HeadDim, Backends.KvCacheDType.Float32);

        var alone = new List<List<int>>();
        using (var engine = new LlmEngine(options with { EnablePrefixCaching = false }))
            foreach (var (adapter, prompt) in requests)
                alone.Add(await EngineRun.Collect(engine.Add($"alone-{alone.Count}", prompt, EngineRun.Greedy(10), lora: Find(engine, adapter))));

        using var batched = new LlmEngine(tightKvPool ? options with { KvCacheMemory = tight } : options);
        for (int round = 0; round < 2; round++)
        {
            var sequences = requests.Select((r, i) => batched.Add($"batch-{round}-{i}", r.Prompt, EngineRun.Greedy(10), lora: Find(batched, r.Adapter))).ToList();
            var outputs = await Task.WhenAll(sequences.Select(s => EngineRun.Collect(s)));
            for (int i = 0; i < requests.Count; i++) Assert.True(alone[i].SequenceEqual(outputs[i]), $"round {round}, request {i} ({requests[i].Adapter ?? "base"})");
        }
        Assert.True(batched.Snapshot().PrefixHitTokens > 0, "the second round should hit the prefix cache");
        if (tightKvPool) Assert.True(batched.Snapshot().Preemptions > 0, "the pool is too small for all sequences, so some must be preempted");
        // Each adapter changes the output of some prompt, or the equality above would prove nothing about adapters.
        for (int a = 1; a < 4; a++)
            Assert.True(Enumerable.Range(0, 8).Any(p => !alone[p * 4].SequenceEqual(alone[p * 4 + a])), $"adapter {Names[a]} changed no output");
    }

    private static LoraAdapter? Find(LlmEngine engine, string? name) => name is null ? null : engine.Loras!.Find(name) ?? throw new InvalidOperationException(name);

    /// <summary>Prompts that share their first 8 tokens (two blocks of 4), then differ.</summary>
    private static int[] Prompt(int i)
    {
        var random = new Random(100 + i);
        return [.. Enumerable.Range(0, 8).Select(t => 5 + t * 7), .. Enumerable.Range(0, 3 + i).Select(_ => random.Next(3, 512))];
    }

    public void Dispose()
    {
        foreach (var adapter in _adapters) adapter.Dispose();
        _model.Dispose();
    }
}
