using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Backends.Ilgpu;
using Engine.Loading;
using Engine.Models;

namespace Engine.Backends.Ilgpu.Tests;

/// <summary>
/// Whole-model logits of tiny random-weight model folders (the Llama-family variants the engine supports) on the
/// ILGPU backend equal the CPU backend's within 1e-4 relative: a 13-token prefill chunk (tiled matmul) and then
/// token-by-token decodes (matvec) through a scattered paged cache.
/// </summary>
public class ModelLogitsTests
{
    private static readonly Dictionary<string, Func<TinyModel>> Variants = new()
    {
        ["gqa-4-untied"] = () => TinyModel.Create(heads: 8, kvHeads: 2, tied: false),
        ["qwen2-qkv-bias"] = () => TinyModel.Create(modelType: "qwen2", qkvBias: true, tied: false),
        ["qwen3-qk-norm-head-dim"] = () => TinyModel.Create(modelType: "qwen3", heads: 4, kvHeads: 2, headDim: 12, qkNorm: true),
        ["llama3-rope-scaling"] = () => TinyModel.Create(heads: 4, kvHeads: 2, ropeScaling: new Dictionary<string, object>
        {
            ["rope_type"] = "llama3", ["factor"] = 8.0, ["low_freq_factor"] = 1.0, ["high_freq_factor"] = 4.0, ["original_max_position_embeddings"] = 64,
        }),
        ["bf16-weights"] = () => TinyModel.Create(dtype: DType.BF16, tied: false),
        ["f16-weights"] = () => TinyModel.Create(dtype: DType.F16),
        ["odd-sizes"] = () => TinyModel.Create(hidden: 36, heads: 6, kvHeads: 3, intermediate: 50, vocab: 45),
    };

    public static TheoryData<string> Names() => new(Variants.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void PrefillThenDecode_LogitsMatchCpu(string variant)
    {
        using var tiny = Variants[variant]();
        var random = new Random(3);
        var tokens = Enumerable.Range(0, 17).Select(_ => random.Next(tiny.Vocab)).ToArray();
        using var cpu = new CpuBackend(1);
        using var gpu = new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu });
        var runs = new[] { (IComputeBackend)cpu, gpu }.Select(backend =>
        {
            var model = ModelLoader.Load(tiny.Directory, backend, null, false, 64, 32, 32);
            var cache = backend.AllocateKvCache(tiny.Layers, 12, 4, tiny.KvHeads, tiny.HeadDim);
            return (backend, model, cache);
        }).ToArray();
        int[] table = [9, 2, 7, 0, 11];
        for (int start = 0, count = 13; start < tokens.Length; start += count, count = 1)
        {
            var logits = runs.Select(r => Run(r.backend, r.model, r.cache, table, tokens, start, count)).ToArray();
            BackendPair.AssertClose(logits[0], logits[1], $"{variant}, tokens {start}..{start + count - 1}");
        }
    }

    private static float[] Run(IComputeBackend backend, LlamaModel model, KvCache cache, int[] table, int[] tokens, int start, int count)
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
            LogitTokenIndices = Enumerable.Range(0, count).ToArray(),
        };
        var logits = model.Forward(batch, cache);
        var host = new float[logits.Rows * logits.Cols];
        backend.Download(logits, host);
        return host;
    }
}
