using System.Text.Json;
using Engine.Loading;

namespace Tests.Shared;

/// <summary>The Llama-family variants the engine supports, each as a tiny random-weight model, by name.</summary>
public static class TinyModelVariants
{
    private static readonly Dictionary<string, Func<TinyModel>> Factories = new()
    {
        ["llama-mha"] = () => TinyModel.Create(heads: 4, kvHeads: 4),
        ["gqa-2"] = () => TinyModel.Create(heads: 4, kvHeads: 2),
        ["gqa-4-untied"] = () => TinyModel.Create(heads: 8, kvHeads: 2, tied: false),
        ["mistral"] = () => TinyModel.Create(modelType: "mistral", heads: 4, kvHeads: 1),
        ["qwen2-qkv-bias"] = () => TinyModel.Create(modelType: "qwen2", qkvBias: true, tied: false),
        ["qwen3-qk-norm-head-dim"] = () => TinyModel.Create(modelType: "qwen3", heads: 4, kvHeads: 2, headDim: 12, qkNorm: true),
        ["llama3-rope-scaling"] = () => TinyModel.Create(heads: 4, kvHeads: 2, ropeScaling: new Dictionary<string, object>
        {
            ["rope_type"] = "llama3", ["factor"] = 8.0, ["low_freq_factor"] = 1.0, ["high_freq_factor"] = 4.0,
            ["original_max_position_embeddings"] = 64,
        }),
        ["linear-rope-scaling"] = () => TinyModel.Create(ropeScaling: new Dictionary<string, object> { ["rope_type"] = "linear", ["factor"] = 3.0 }),
        ["dynamic-rope-scaling"] = () => TinyModel.Create(ropeScaling: new Dictionary<string, object> { ["rope_type"] = "dynamic", ["factor"] = 4.0 }),
        // head_dim 16: the ramp between beta_fast and beta_slow then spans several pairs over a 64-token original context.
        ["yarn-rope-scaling"] = () => TinyModel.Create(heads: 2, kvHeads: 1, ropeScaling: new Dictionary<string, object>
        {
            ["rope_type"] = "yarn", ["factor"] = 4.0, ["original_max_position_embeddings"] = 64, ["beta_fast"] = 8.0, ["beta_slow"] = 0.5,
        }),
        ["longrope-partial-rotary"] = () => TinyModel.Create(heads: 2, kvHeads: 1, ropeScaling: new Dictionary<string, object>
        {
            ["rope_type"] = "longrope", ["short_factor"] = new[] { 1.0, 1.3, 2.1, 3.4, 5.5, 8.9 },
            ["long_factor"] = new[] { 1.1, 1.9, 3.7, 6.2, 9.5, 14.0 },
        }, extraConfig: new Dictionary<string, object> { ["original_max_position_embeddings"] = 64, ["partial_rotary_factor"] = 0.75 }),
        ["phi3-fused"] = () => TinyModel.Create(modelType: "phi3", heads: 4, kvHeads: 2, tied: false),
        // Phi-4-mini's shape: LongRoPE over 3/4 of each head, tied embeddings.
        ["phi3-longrope-partial"] = () => TinyModel.Create(modelType: "phi3", heads: 2, kvHeads: 1, ropeScaling: new Dictionary<string, object>
        {
            ["rope_type"] = "longrope", ["short_factor"] = new[] { 1.0, 1.1, 1.4, 2.2, 3.1, 4.4 },
            ["long_factor"] = new[] { 1.2, 2.0, 3.3, 5.1, 8.8, 12.5 },
        }, extraConfig: new Dictionary<string, object> { ["original_max_position_embeddings"] = 32, ["partial_rotary_factor"] = 0.75 }),
        // Window 5 over prompts of ~20 tokens and cache blocks of 4: windows start inside blocks.
        ["mistral-sliding-window"] = () => TinyModel.Create(modelType: "mistral", heads: 4, kvHeads: 1,
            extraConfig: new Dictionary<string, object> { ["sliding_window"] = 5 }),
        ["qwen2-sliding-layer-types"] = () => TinyModel.Create(modelType: "qwen2", qkvBias: true, extraConfig: new Dictionary<string, object>
        {
            ["sliding_window"] = 6, ["use_sliding_window"] = true, ["layer_types"] = new[] { "full_attention", "sliding_attention" },
        }),
        ["mixtral-moe"] = () => TinyModel.Create(modelType: "mixtral", heads: 4, kvHeads: 2, tied: false,
            extraConfig: new Dictionary<string, object> { ["num_local_experts"] = 4, ["num_experts_per_tok"] = 2 }),
        // Layer 0 dense (mlp_only_layers), layer 1 sparse; top-2 of 5 weights not renormalised.
        ["qwen3-moe"] = () => TinyModel.Create(modelType: "qwen3_moe", heads: 4, kvHeads: 2, headDim: 12, qkNorm: true,
            extraConfig: new Dictionary<string, object>
            {
                ["num_experts"] = 5, ["num_experts_per_tok"] = 2, ["moe_intermediate_size"] = 24, ["norm_topk_prob"] = false,
                ["decoder_sparse_step"] = 1, ["mlp_only_layers"] = new[] { 0 },
            }),
        // Gemma 2: head_dim ≠ hidden / heads, query_pre_attn_scalar ≠ head_dim, caps small enough that tanh bites, and
        // layer 0 (even: local) masking with a window shorter than the prompts.
        ["gemma2"] = () => TinyModel.Create(modelType: "gemma2", heads: 4, kvHeads: 2, headDim: 12, extraConfig: new Dictionary<string, object>
        {
            ["query_pre_attn_scalar"] = 20, ["attn_logit_softcapping"] = 1.5, ["final_logit_softcapping"] = 2.5,
            ["sliding_window"] = 5, ["hidden_activation"] = "gelu_pytorch_tanh",
        }),
        // Gemma 3: q/k norms, local layers (all but every 2nd) on their own RoPE base, linear scaling on the global ones.
        ["gemma3"] = () => Gemma3(),
        // The same text model inside Gemma3ForConditionalGeneration: text_config (defaults left out), language_model.* weights
        // and a vision tower that is not loaded.
        ["gemma3-multimodal"] = () => AsGemma3Multimodal(Gemma3()),
        ["f16-weights"] = () => TinyModel.Create(dtype: DType.F16),
        ["bf16-weights"] = () => TinyModel.Create(dtype: DType.BF16, tied: false),
        ["sharded-3"] = () => TinyModel.Create(shards: 3, tied: false),
        ["odd-sizes"] = () => TinyModel.Create(hidden: 36, heads: 6, kvHeads: 3, intermediate: 50, vocab: 45),
    };

    public static IEnumerable<string> Names => Factories.Keys;

    private static TinyModel Gemma3() => TinyModel.Create(modelType: "gemma3_text", heads: 4, kvHeads: 2, headDim: 12, qkNorm: true,
        ropeScaling: new Dictionary<string, object> { ["rope_type"] = "linear", ["factor"] = 4.0 },
        extraConfig: new Dictionary<string, object>
        {
            ["query_pre_attn_scalar"] = 16, ["sliding_window"] = 6, ["sliding_window_pattern"] = 2,
            ["rope_theta"] = 1000000.0, ["rope_local_base_freq"] = 10000.0, ["hidden_activation"] = "gelu_pytorch_tanh",
        });

    private static TinyModel AsGemma3Multimodal(TinyModel text)
    {
        // Gemma3TextConfig's defaults, which a saved text_config leaves out.
        string[] defaults = ["rope_theta", "rope_local_base_freq", "hidden_activation", "model_type"];
        var textConfig = text.Config.Where(e => !defaults.Contains(e.Key) && e.Key != "architectures").ToDictionary();
        File.WriteAllText(Path.Combine(text.Directory, "config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["architectures"] = new[] { "Gemma3ForConditionalGeneration" }, ["model_type"] = "gemma3", ["text_config"] = textConfig,
            ["vision_config"] = new Dictionary<string, object> { ["model_type"] = "siglip_vision_model", ["hidden_size"] = 8 },
        }));
        text.Weights["vision_tower.vision_model.embeddings.patch_embedding.weight"] = new float[8 * 12];
        text.Shapes["vision_tower.vision_model.embeddings.patch_embedding.weight"] = [8, 12];
        text.Weights["multi_modal_projector.mm_input_projection_weight"] = new float[8 * text.Hidden];
        text.Shapes["multi_modal_projector.mm_input_projection_weight"] = [8, text.Hidden];
        text.RewriteCheckpoint(name => name.StartsWith("model.", StringComparison.Ordinal) ? "language_model." + name : name);
        return text;
    }

    /// <summary>Writes the variant's model folder (deleted when the model is disposed).</summary>
    public static TinyModel Create(string name) => Factories[name]();
}
