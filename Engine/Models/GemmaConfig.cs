using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Loading;

namespace Engine.Models;

/// <summary>
/// The Gemma 2 (gemma2) and Gemma 3 (gemma3_text, and gemma3 whose text model sits under text_config) parts of a
/// config.json, as HF transformers' Gemma2Config / Gemma3TextConfig read them: embedding scaled by sqrt(hidden_size),
/// RMSNorm by (1 + weight), four norms per layer, GeGLU (gelu_pytorch_tanh), scores scaled by query_pre_attn_scalar^-0.5,
/// optional attention and final logit soft-capping, sliding-window layers (every other one in Gemma 2; all but every
/// sliding_window_pattern-th in Gemma 3, or layer_types) and Gemma 3's own RoPE base for them (rope_local_base_freq).
/// </summary>
internal static class GemmaConfig
{
    /// <summary>Gemma3TextConfig's defaults: a multimodal checkpoint's text_config states only what differs from them.</summary>
    private const string Gemma3TextDefaults = """
        {"model_type": "gemma3_text", "vocab_size": 262208, "hidden_size": 2304, "intermediate_size": 9216,
         "num_hidden_layers": 26, "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 256,
         "hidden_activation": "gelu_pytorch_tanh", "max_position_embeddings": 131072, "rms_norm_eps": 1e-6,
         "rope_theta": 1000000.0, "rope_local_base_freq": 10000.0, "query_pre_attn_scalar": 256, "sliding_window": 4096,
         "sliding_window_pattern": 6, "final_logit_softcapping": null, "attn_logit_softcapping": null,
         "tie_word_embeddings": true, "bos_token_id": 2, "eos_token_id": 1}
        """;

    public static ModelConfig Apply(ModelConfig config, JsonElement root)
    {
        bool gemma2 = config.ModelType == "gemma2";
        string activation = String(root, "hidden_activation") ?? String(root, "hidden_act") ?? "gelu_pytorch_tanh";
        if (activation != "gelu_pytorch_tanh")
            throw new NotSupportedException($"config.json hidden_activation '{activation}' is not supported for {config.ModelType} (gelu_pytorch_tanh).");
        double scalar = ModelConfig.Double(root, "query_pre_attn_scalar") ?? throw ModelConfig.Missing("query_pre_attn_scalar");
        if (scalar <= 0) throw new InvalidDataException($"config.json query_pre_attn_scalar {scalar} must be positive.");
        // HF's default layer_types: Gemma 2 slides on even layers, Gemma 3 on all but every pattern-th.
        int pattern = gemma2 ? 2 : ModelConfig.Int(root, "sliding_window_pattern") ?? 6;
        if (pattern <= 0) throw new InvalidDataException($"config.json sliding_window_pattern {pattern} must be positive.");
        var full = root.TryGetProperty("layer_types", out _)
            ? config.FullAttentionLayers
            : Enumerable.Range(0, config.NumLayers).Where(i => (i + 1) % pattern == 0).ToHashSet();
        return config with
        {
            NormWeightOffset = 1,
            EmbeddingScale = EmbeddingScale(config.HiddenSize, config.StoredDType),
            SandwichNorms = true,
            GeluActivation = true,
            QueryPreAttentionScalar = scalar,
            AttentionSoftCap = SoftCap(root, "attn_logit_softcapping", gemma2 ? 50.0 : null),
            FinalLogitSoftCap = SoftCap(root, "final_logit_softcapping", gemma2 ? 30.0 : null),
            LocalRopeTheta = gemma2 ? null : ModelConfig.Double(root, "rope_local_base_freq") ?? 10000,
            FullAttentionLayers = full,
        };
    }

    /// <summary>Gemma3ForConditionalGeneration: its language model only (language_model.* weights); the vision tower's and
    /// projector's weights are not loaded, so the model serves text.</summary>
    public static ModelConfig ParseMultimodal(JsonElement root)
    {
        if (!root.TryGetProperty("text_config", out var text) || text.ValueKind != JsonValueKind.Object)
            throw ModelConfig.Missing("text_config");
        var merged = JsonNode.Parse(Gemma3TextDefaults)!.AsObject();
        foreach (var field in text.EnumerateObject()) merged[field.Name] = JsonNode.Parse(field.Value.GetRawText());
        merged["model_type"] = "gemma3_text";
        foreach (var inherited in new[] { "torch_dtype", "eos_token_id", "bos_token_id" })
            if (!text.TryGetProperty(inherited, out _) && root.TryGetProperty(inherited, out var value))
                merged[inherited] = JsonNode.Parse(value.GetRawText());
        using var document = JsonDocument.Parse(merged.ToJsonString());
        return ModelConfig.Parse(document.RootElement) with { ModelType = "gemma3", CheckpointPrefix = "language_model." };
    }

    /// <summary>sqrt(hidden_size) in the checkpoint's dtype, as HF and vLLM multiply it.</summary>
    internal static float EmbeddingScale(int hidden, DType? dtype)
    {
        float scale = MathF.Sqrt(hidden);
        return dtype switch
        {
            DType.BF16 => BFloat16.ToSingle(BFloat16.FromSingle(scale)),
            DType.F16 => (float)(Half)scale,
            _ => scale,
        };
    }

    /// <summary>A soft-capping field: absent gives the family's default, null none; a cap must be positive.</summary>
    private static double? SoftCap(JsonElement root, string name, double? fallback)
    {
        if (!root.TryGetProperty(name, out var value)) return fallback;
        if (value.ValueKind == JsonValueKind.Null) return null;
        double cap = value.ValueKind == JsonValueKind.Number ? value.GetDouble()
            : throw new InvalidDataException($"config.json {name} must be a number or null.");
        return cap > 0 ? cap : throw new InvalidDataException($"config.json {name} {cap} must be positive (or null: no soft-capping).");
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
