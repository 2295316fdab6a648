using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Core;
using Engine.Models;
using Engine.Sampling;

namespace Engine.Backends.Ilgpu.Tests;

/// <summary>
/// Quantized GGUF models on the ILGPU backend (CPU accelerator): a small random model whose matrices are Q8_0, Q4_0,
/// Q4_K and Q6_K blocks (q|k|v fused from three types, odd vocabulary) gives the CPU backend's logits on the same
/// weights dequantized to F32 within 1e-4 — a 13-token prefill (tiled kernel), then decodes (matvec): the kernels
/// dequantize exactly and keep activations in F32. (The CPU backend's quantized path also quantizes activations per block,
/// as llama.cpp does; through this random model that moves logits by up to ~12 %, so it is checked against llama.cpp in
/// Engine.Tests, not against this.) The quant-tiny GGUFs quantized by llama.cpp give llama.cpp's logits (top-1 and
/// 1 %) and, through the whole engine on ilgpu-cpu, llama.cpp's first greedy tokens.
/// </summary>
public class QuantizedModelTests
{
    private static string? TypeOf(string name) => name switch
    {
        "model.embed_tokens.weight" => "Q8_0",
        "lm_head.weight" => "Q6_K",
        _ when name.StartsWith("model.layers.0.", StringComparison.Ordinal) => name.Split('.')[^2] switch
        {
            "q_proj" or "gate_proj" or "up_proj" => "Q4_K",
            "k_proj" or "down_proj" => "Q6_K",
            "v_proj" => "Q8_0",
            "o_proj" => "Q4_0",
            _ => null,
        },
        _ => name.Split('.')[^2] switch
        {
            "q_proj" or "k_proj" or "down_proj" => "Q4_K",
            "v_proj" or "gate_proj" => "Q6_K",
            "o_proj" => "Q8_0",
            "up_proj" => "Q4_0",
            _ => null,
        },
    };

    [Fact]
    public void RandomQuantizedGguf_PrefillThenDecode_LogitsMatchCpu()
    {
        using var tiny = TinyModel.Create(hidden: 256, heads: 4, kvHeads: 2, intermediate: 512, vocab: 301, tied: false);
        var weights = QuantizedWeight.ForModel(tiny, TypeOf);
        using var folder = new TempDirectory();
        string quantized = Path.Combine(folder.Path, "model-mixed.gguf"), dequantized = Path.Combine(folder.Path, "model-f32.gguf");
        TinyGguf.Write(tiny, quantized, weights);
        TinyGguf.Write(tiny, dequantized, weights, dequantized: true);

        var random = new Random(3);
        var tokens = Enumerable.Range(0, 17).Select(_ => random.Next(tiny.Vocab)).ToArray();
        using var cpuExact = new CpuBackend(1);
        using var gpu = new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu });
        var runs = new[] { (cpuExact, dequantized), ((IComputeBackend)gpu, quantized) }.Select(run =>
        {
            var model = ModelLoader.Load(run.Item2, run.Item1, null, false, 64, 32, 32);
            return (Backend: run.Item1, Model: model, Cache: run.Item1.AllocateKvCache(tiny.Layers, 12, 4, tiny.KvHeads, tiny.HeadDim));
        }).ToArray();
        int[] table = [9, 2, 7, 0, 11];
        for (int start = 0, count = 13; start < tokens.Length; start += count, count = 1)
        {
            var logits = runs.Select(r => PagedForward.Logits(r.Backend, r.Model, r.Cache, table, tokens, start, count)).ToArray();
            BackendPair.AssertClose(logits[0], logits[1], $"tokens {start}..{start + count - 1} vs CPU on the dequantized weights");
        }
    }

    public static TheoryData<string> Files() => new(LlamaCppReference.QuantizedFiles);

    [Theory]
    [MemberData(nameof(Files))]
    public void QuantTinyGguf_PromptLogits_MatchLlamaCpp(string file)
    {
        var reference = LlamaCppReference.Load(file, 0);
        using var gpu = new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu });
        var model = ModelLoader.Load(reference.GgufPath, gpu, null, false, 64, 32, 32);
        int n = reference.PromptIds.Length, vocab = model.Config.VocabSize;
        var cache = gpu.AllocateKvCache(model.Config.NumLayers, 2, 16, model.Config.NumKvHeads, model.Config.HeadDim);
        var logits = PagedForward.Logits(gpu, model, cache, [1, 0], reference.PromptIds, 0, n);
        reference.AssertLogitsMatch(Enumerable.Range(0, n).Select(t => logits.AsSpan(t * vocab, vocab).ToArray()).ToList());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task QuantTinyGguf_GreedyThroughTheEngine_IsLlamaCpps(string file)
    {
        var references = new[] { LlamaCppReference.Load(file, 0), LlamaCppReference.Load(file, 1) };
        using var engine = new LlmEngine(
            new EngineOptions { Model = LlamaCppReference.GgufFile(file), MaxNumSeqs = 2, MaxNumBatchedTokens = 64, MaxModelLen = 64, Device = "ilgpu-cpu" },
            new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu }));
        // Both prompts at once: prefill and decode rows share steps. The first tokens of llama.cpp's 16 suffice here (each
        // emulated decode step takes seconds); Engine.Tests checks all 16 on the CPU backend.
        const int tokens = 6;
        var running = references.Select((r, i) => Collect(engine.Add($"r{i}", r.PromptIds,
            new SamplingParams { Temperature = 0, MaxTokens = tokens, IgnoreEos = true }))).ToList();
        for (int i = 0; i < references.Length; i++) Assert.Equal(references[i].GreedyIds[..tokens], await running[i]);
    }

    private static async Task<List<int>> Collect(Sequence seq)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ids = new List<int>();
        await foreach (var output in seq.Output.Reader.ReadAllAsync(cts.Token)) ids.Add(output.TokenId);
        return ids;
    }
}
