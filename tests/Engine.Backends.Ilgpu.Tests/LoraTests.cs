using Engine.Backends.Cpu;
using Engine.Backends.Ilgpu;
using Engine.Core;
using Engine.Lora;
using Engine.Models;
using Engine.Sampling;

namespace Engine.Backends.Ilgpu.Tests;

/// <summary>
/// LoRA adapters on the ILGPU backend: logits under an adapter on every target module (use_rslora) equal the CPU
/// backend's within 1e-4 relative, prefill then decodes; and the whole engine on ilgpu-cpu, with a batch mixing two
/// adapters and the base model (each adapter on its own rows of the step), gives the CPU engine's greedy tokens.
/// </summary>
public sealed class LoraTests : IDisposable
{
    private readonly TinyModel _model = TinyModel.Create(vocab: 512, heads: 8, kvHeads: 2, tied: false, seed: 21).WithTokenizerOf(TestData.Stories260K);
    private readonly TinyLora _first, _second;

    public LoraTests()
    {
        _first = TinyLora.Create(_model, rank: 8, alpha: 8, useRslora: true, seed: 1);
        _second = TinyLora.Create(_model, ["q_proj", "o_proj", "up_proj"], rank: 4, alpha: 16, seed: 2);
    }

    [Fact]
    public void PrefillThenDecode_UnderAnAdapter_LogitsMatchCpu()
    {
        var random = new Random(3);
        var tokens = Enumerable.Range(0, 17).Select(_ => random.Next(_model.Vocab)).ToArray();
        using var cpu = new CpuBackend(1);
        using var gpu = new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu });
        var runs = new[] { (IComputeBackend)cpu, gpu }.Select(backend =>
        {
            var model = ModelLoader.Load(_model.Directory, backend, null, false, 64, 32, 32);
            var cache = backend.AllocateKvCache(_model.Layers, 12, 4, _model.KvHeads, _model.HeadDim);
            var adapter = LoraAdapter.Load(new LoraModule("first", _first.Directory), model.Config, 16, backend);
            return (backend, model, cache, adapter);
        }).ToArray();
        int[] table = [9, 2, 7, 0, 11];
        for (int start = 0, count = 13; start < tokens.Length; start += count, count = 1)
        {
            var logits = runs.Select(r => PagedForward.Logits(r.backend, r.model, r.cache, table, tokens, start, count, lora: r.adapter)).ToArray();
            BackendPair.AssertClose(logits[0], logits[1], $"tokens {start}..{start + count - 1}");
        }
    }

    [Fact]
    public async Task MixedAdapterBatch_OnIlgpu_GivesTheCpuEnginesTokens()
    {
        var options = new EngineOptions
        {
            Model = _model.Directory, MaxNumSeqs = 8, MaxNumBatchedTokens = 64, MaxModelLen = 64, EnableLora = true, MaxLoras = 2, Seed = 1,
            LoraModules = [new LoraModule("first", _first.Directory), new LoraModule("second", _second.Directory)],
        };
        using var cpu = new LlmEngine(options);
        using var gpu = new LlmEngine(options with { Device = "ilgpu-cpu" }, new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu }));
        var outputs = await Task.WhenAll(new[] { cpu, gpu }.Select(engine => Task.WhenAll(Enumerable.Range(0, 9).Select(i =>
        {
            string? name = (i % 3) switch { 0 => null, 1 => "first", _ => "second" };
            int[] prompt = [.. Enumerable.Range(0, 5 + i).Select(t => 3 + (t * 37 + i * 11) % 500)];
            return Collect(engine.Add($"r{i}", prompt, new SamplingParams { Temperature = 0, MaxTokens = 8, IgnoreEos = true },
                lora: name is null ? null : engine.Loras!.Find(name)));
        }))));
        for (int i = 0; i < outputs[0].Length; i++) Assert.Equal(outputs[0][i], outputs[1][i]);
    }

    private static async Task<List<int>> Collect(Sequence seq)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ids = new List<int>();
        await foreach (var output in seq.Output.Reader.ReadAllAsync(cts.Token)) ids.Add(output.TokenId);
        return ids;
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
        _model.Dispose();
    }
}
