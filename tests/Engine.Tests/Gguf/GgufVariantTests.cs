using Engine.Backends.Cpu;
using Engine.Models;
using Engine.Tests.Models;

namespace Engine.Tests.Gguf;

/// <summary>Each model variant written as an F32 GGUF (llama.cpp's names, metadata keys and, for `llama`, its Q/K
/// row permutation; merged expert tensors) gives exactly the logits of the same weights loaded from safetensors.</summary>
public sealed class GgufVariantTests
{
    public static TheoryData<string> Variants() => new(Factories.Keys);

    internal static readonly Dictionary<string, Func<TinyModel>> Factories = new()
    {
        ["llama-gqa-untied"] = () => TinyModel.Create(hidden: 64, heads: 8, kvHeads: 2, intermediate: 96, vocab: 301, tied: false),
        ["llama-mha-tied"] = () => TinyModel.Create(hidden: 48, heads: 4, kvHeads: 4, intermediate: 80, vocab: 263),
        ["mistral-mqa"] = () => TinyModel.Create(modelType: "mistral", hidden: 64, heads: 4, kvHeads: 1, vocab: 270),
        ["qwen2-qkv-bias"] = () => TinyModel.Create(modelType: "qwen2", qkvBias: true, hidden: 64, heads: 4, kvHeads: 2, vocab: 300, tied: false),
        ["qwen3-qk-norm-head-dim"] = () => TinyModel.Create(modelType: "qwen3", hidden: 48, heads: 4, kvHeads: 2, headDim: 16, qkNorm: true, vocab: 290),
        ["phi3-sliding-window"] = () => TinyModel.Create(modelType: "phi3", hidden: 64, heads: 4, kvHeads: 2, vocab: 280, tied: false,
            extraConfig: new Dictionary<string, object> { ["sliding_window"] = 4 }),
        ["mistral-sliding-window"] = () => TinyModel.Create(modelType: "mistral", hidden: 64, heads: 4, kvHeads: 1, vocab: 270,
            extraConfig: new Dictionary<string, object> { ["sliding_window"] = 6 }),
        ["mixtral-moe"] = () => TinyModel.Create(modelType: "mixtral", hidden: 64, heads: 4, kvHeads: 2, vocab: 270, tied: false,
            extraConfig: new Dictionary<string, object> { ["num_local_experts"] = 4, ["num_experts_per_tok"] = 2 }),
        ["qwen3-moe"] = () => TinyModel.Create(modelType: "qwen3_moe", hidden: 48, heads: 4, kvHeads: 2, headDim: 16, qkNorm: true, vocab: 290,
            extraConfig: new Dictionary<string, object> { ["num_experts"] = 5, ["num_experts_per_tok"] = 3, ["moe_intermediate_size"] = 40, ["norm_topk_prob"] = true }),
    };

    public static TheoryData<string, string> RefusedMoeFiles() => new()
    {
        { "shared", "1 shared experts (qwen3moe.expert_shared_count) are not supported" },
        { "scaled", "expert weights scaled by 2.5 (qwen3moe.expert_weights_scale) are not supported" },
        { "unmerged", "expert tensors must be merged per layer (blk.N.ffn_gate_exps.weight" },
    };

    [Theory]
    [MemberData(nameof(RefusedMoeFiles))]
    public void MoeFiles_TheEngineCannotRun_AreRefusedSayingWhy(string what, string message)
    {
        using var tiny = Factories["qwen3-moe"]();
        var gguf = Path.Combine(tiny.Directory, "model.gguf");
        TinyGguf.Write(tiny, gguf, edit: writer => _ = what switch
        {
            "shared" => writer.Add("qwen3moe.expert_shared_count", 1u),
            "scaled" => writer.Add("qwen3moe.expert_weights_scale", 2.5f),
            _ => writer.RemoveTensors(name => name.Contains("_exps.", StringComparison.Ordinal)),
        });
        using var backend = new CpuBackend(1);
        var error = Assert.Throws<NotSupportedException>(() => ModelLoader.Load(gguf, backend, null, false, 64, 32, 32));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void GgufLogits_EqualSafetensorsLogits(string variant)
    {
        using var tiny = Factories[variant]();
        var gguf = Path.Combine(tiny.Directory, "model.gguf");
        TinyGguf.Write(tiny, gguf);
        var tokens = Enumerable.Range(0, 13).Select(i => (i * 37 + 5) % tiny.Vocab).ToArray();

        using var backend = new CpuBackend(2);
        var fromSafetensors = PromptLogitsProbe.Run(ModelLoader.Load(tiny.Directory, backend, null, false, 64, 32, 32), backend, tokens);
        var fromGguf = PromptLogitsProbe.Run(ModelLoader.Load(gguf, backend, null, false, 64, 32, 32), backend, tokens);
        for (int t = 0; t < tokens.Length; t++) Assert.Equal(fromSafetensors[t], fromGguf[t]);
    }
}
