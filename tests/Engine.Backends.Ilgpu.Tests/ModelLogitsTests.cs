using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Backends.Ilgpu;
using Engine.Models;

namespace Engine.Backends.Ilgpu.Tests;

/// <summary>
/// Whole-model logits of tiny random-weight model folders (the Llama-family variants the engine supports) on the
/// ILGPU backend equal the CPU backend's within 1e-4 relative: a 13-token prefill chunk (tiled matmul) and then
/// token-by-token decodes (matvec) through a scattered paged cache.
/// </summary>
public class ModelLogitsTests
{
    /// <summary>The variants that exercise distinct kernel paths (grouped heads, biases, norms, scaling, Gemma's soft caps and
    /// GeGLU, dtypes, odd shapes).</summary>
    public static TheoryData<string> Names() =>
        new("gqa-4-untied", "qwen2-qkv-bias", "qwen3-qk-norm-head-dim", "llama3-rope-scaling", "yarn-rope-scaling", "longrope-partial-rotary", "phi3-longrope-partial", "mistral-sliding-window", "qwen2-sliding-layer-types", "mixtral-moe", "qwen3-moe", "gemma2", "gemma3", "bf16-weights", "f16-weights", "odd-sizes");

    [Theory]
    [MemberData(nameof(Names))]
    public void PrefillThenDecode_LogitsMatchCpu(string variant) => PrefillThenDecode(variant, KvCacheDType.Float32, 1e-4);

    /// <summary>With a compact KV cache on both backends. Bound 1e-2 relative: an element whose F32 value differs by
    /// float rounding between the backends may round to the neighbouring compact code.</summary>
    [Theory]
    [InlineData("gqa-4-untied", KvCacheDType.BFloat16)]
    [InlineData("odd-sizes", KvCacheDType.Fp8E4M3)]
    [InlineData("qwen3-qk-norm-head-dim", KvCacheDType.Fp8E5M2)]
    public void PrefillThenDecode_WithCompactKv_LogitsMatchCpu(string variant, KvCacheDType dtype) => PrefillThenDecode(variant, dtype, 1e-2);

    private static void PrefillThenDecode(string variant, KvCacheDType dtype, double tolerance)
    {
        using var tiny = TinyModelVariants.Create(variant);
        var random = new Random(3);
        var tokens = Enumerable.Range(0, 17).Select(_ => random.Next(tiny.Vocab)).ToArray();
        using var cpu = new CpuBackend(1);
        using var gpu = new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu });
        var runs = new[] { (IComputeBackend)cpu, gpu }.Select(backend =>
        {
            var model = ModelLoader.Load(tiny.Directory, backend, null, false, 64, 32, 32);
            var cache = backend.AllocateKvCache(tiny.Layers, 12, 4, tiny.KvHeads, tiny.HeadDim, dtype);
            return (backend, model, cache);
        }).ToArray();
        int[] table = [9, 2, 7, 0, 11];
        for (int start = 0, count = 13; start < tokens.Length; start += count, count = 1)
        {
            var logits = runs.Select(r => PagedForward.Logits(r.backend, r.model, r.cache, table, tokens, start, count)).ToArray();
            BackendPair.AssertClose(logits[0], logits[1], $"{variant}, {dtype}, tokens {start}..{start + count - 1}", tolerance);
        }
    }

    /// <summary>A pooling model (no lm_head) in steps that ask for no logits: the final hidden states match the CPU's.</summary>
    [Theory]
    [InlineData("qwen3-qk-norm-head-dim")]
    [InlineData("bf16-weights")]
    public void PoolingSteps_FinalHiddenStatesMatchCpu(string variant)
    {
        using var tiny = TinyModelVariants.Create(variant);
        var random = new Random(4);
        var tokens = Enumerable.Range(0, 11).Select(_ => random.Next(tiny.Vocab)).ToArray();
        using var cpu = new CpuBackend(1);
        using var gpu = new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu });
        var states = new[] { (IComputeBackend)cpu, gpu }.Select(backend =>
        {
            var model = ModelLoader.Load(tiny.Directory, backend, null, false, 64, 32, 32, languageModelHead: false);
            var cache = backend.AllocateKvCache(tiny.Layers, 12, 4, tiny.KvHeads, tiny.HeadDim);
            return PagedForward.FinalHiddenStates(backend, model, cache, [3, 8, 1], tokens, 0, tokens.Length);
        }).ToArray();
        Assert.Equal(tokens.Length * tiny.Hidden, states[0].Length);
        BackendPair.AssertClose(states[0], states[1], $"{variant}, final hidden states");
    }
}
