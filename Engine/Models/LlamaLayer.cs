using Engine.Backends;
using Engine.Loading;

namespace Engine.Models;

/// <summary>One decoder layer's weights, with q|k|v and gate|up fused into single matrices.</summary>
public sealed class LlamaLayer
{
    public required Tensor InputNorm { get; init; }
    public required Tensor Qkv { get; init; }
    public Tensor? QkvBias { get; init; }
    public Tensor? QNorm { get; init; }
    public Tensor? KNorm { get; init; }
    public required Tensor Output { get; init; }
    public Tensor? OutputBias { get; init; }
    /// <summary>Gemma: the norm of the attention output before its residual add.</summary>
    public Tensor? AttentionOutputNorm { get; init; }
    /// <summary>The norm of the MLP input (Llama's post_attention_layernorm, Gemma's pre_feedforward_layernorm).</summary>
    public required Tensor FeedForwardNorm { get; init; }
    /// <summary>Gemma: the norm of the MLP output before its residual add.</summary>
    public Tensor? FeedForwardOutputNorm { get; init; }
    /// <summary>The dense MLP (null in a mixture-of-experts layer).</summary>
    public Tensor? GateUp { get; init; }
    public Tensor? Down { get; init; }
    /// <summary>A mixture-of-experts layer: the router [experts, hidden] and each expert's gate|up and down.</summary>
    public Tensor? Router { get; init; }
    public (Tensor GateUp, Tensor Down)[] Experts { get; init; } = [];

    public static LlamaLayer Load(IWeightSource weights, IComputeBackend backend, ModelConfig c, int index, DType storage)
    {
        string p = $"{c.CheckpointPrefix}model.layers.{index}.";
        int q = c.NumHeads * c.HeadDim, kv = c.NumKvHeads * c.HeadDim, h = c.HiddenSize, f = c.IntermediateSize;
        Tensor Norm(string name, int size) => LoadNorm(weights, backend, c, p + name, size);
        Tensor Bias(string name, int size) => backend.Upload(weights.Get(p + name, size));
        return new LlamaLayer
        {
            InputNorm = Norm("input_layernorm.weight", h),
            Qkv = c.FusedProjections
                ? backend.LoadMatrix(storage, weights.Get(p + "self_attn.qkv_proj.weight", q + 2 * kv, h))
                : backend.LoadMatrix(storage,
                    weights.Get(p + "self_attn.q_proj.weight", q, h),
                    weights.Get(p + "self_attn.k_proj.weight", kv, h),
                    weights.Get(p + "self_attn.v_proj.weight", kv, h)),
            QkvBias = c.QkvBias
                ? backend.Upload(HostTensor.ConcatVectors(p + "self_attn.qkv_proj.bias",
                    weights.Get(p + "self_attn.q_proj.bias", q), weights.Get(p + "self_attn.k_proj.bias", kv),
                    weights.Get(p + "self_attn.v_proj.bias", kv)))
                : null,
            QNorm = c.QkNorm ? Norm("self_attn.q_norm.weight", c.HeadDim) : null,
            KNorm = c.QkNorm ? Norm("self_attn.k_norm.weight", c.HeadDim) : null,
            Output = backend.LoadMatrix(storage, weights.Get(p + "self_attn.o_proj.weight", h, q)),
            OutputBias = c.OutputBias ? Bias("self_attn.o_proj.bias", h) : null,
            AttentionOutputNorm = c.SandwichNorms ? Norm("post_attention_layernorm.weight", h) : null,
            FeedForwardNorm = Norm(c.SandwichNorms ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight", h),
            FeedForwardOutputNorm = c.SandwichNorms ? Norm("post_feedforward_layernorm.weight", h) : null,
            GateUp = c.IsMoeLayer(index) ? null
                : c.FusedProjections
                ? backend.LoadMatrix(storage, weights.Get(p + "mlp.gate_up_proj.weight", 2 * f, h))
                : backend.LoadMatrix(storage,
                    weights.Get(p + "mlp.gate_proj.weight", f, h),
                    weights.Get(p + "mlp.up_proj.weight", f, h)),
            Down = c.IsMoeLayer(index) ? null : backend.LoadMatrix(storage, weights.Get(p + "mlp.down_proj.weight", h, f)),
            Router = c.IsMoeLayer(index) ? backend.LoadMatrix(DType.F32, weights.Get(p + MoeNames(c).Router, c.NumExperts, h)) : null,
            Experts = c.IsMoeLayer(index) ? [.. Enumerable.Range(0, c.NumExperts).Select(e => LoadExpert(weights, backend, c, p, e, storage))] : [],
        };
    }

    /// <summary>An RMSNorm weight, plus the config's offset (Gemma's 1 + weight) added in F32 as HF computes it.</summary>
    public static unsafe Tensor LoadNorm(IWeightSource weights, IComputeBackend backend, ModelConfig c, string name, int size)
    {
        var stored = weights.Get(name, size);
        if (c.NormWeightOffset == 0) return backend.Upload(stored);
        var shifted = HostTensor.Allocate(name, DType.F32, [size]);
        for (int i = 0; i < size; i++) ((float*)shifted.Data)[i] = stored[i] + c.NormWeightOffset;
        return backend.Upload(shifted);
    }

    private static (Tensor GateUp, Tensor Down) LoadExpert(IWeightSource weights, IComputeBackend backend, ModelConfig c, string p, int e, DType storage)
    {
        var names = MoeNames(c);
        string expert = $"{p}{names.Experts}.{e}.";
        int h = c.HiddenSize, f = c.ExpertIntermediateSize;
        return (backend.LoadMatrix(storage, weights.Get(expert + names.Gate, f, h), weights.Get(expert + names.Up, f, h)),
            backend.LoadMatrix(storage, weights.Get(expert + names.Down, h, f)));
    }

    /// <summary>Checkpoint names: Mixtral's block_sparse_moe (w1 gate, w3 up, w2 down), Qwen3-MoE's mlp.</summary>
    private static (string Router, string Gate, string Up, string Down, string Experts) MoeNames(ModelConfig c) => c.ModelType == "mixtral"
        ? ("block_sparse_moe.gate.weight", "w1.weight", "w3.weight", "w2.weight", "block_sparse_moe.experts")
        : ("mlp.gate.weight", "gate_proj.weight", "up_proj.weight", "down_proj.weight", "mlp.experts");

}
