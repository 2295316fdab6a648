using Engine.Loading;
using Engine.Loading.Gguf;

namespace Engine.Models;

/// <summary>
/// The <see cref="ModelConfig"/> of a GGUF file, from llama.cpp's metadata keys ({arch}.embedding_length,
/// block_count, feed_forward_length, attention.head_count(_kv), attention.key_length, layer_norm_rms_epsilon,
/// rope.freq_base, rope.dimension_count, rope.scaling.*, context_length, attention.sliding_window) and the tensors present: q/k/v biases
/// (Qwen2), q/k norms (Qwen3), Phi-3's fused attn_qkv and ffn_up (gate|up), a tied output when output.weight is absent, rope_freqs (Llama 3.1 scaling),
/// and mixtures of experts (expert_count, expert_used_count, expert_feed_forward_length: Mixtral as `llama`, Qwen3-MoE as `qwen3moe`).
/// </summary>
public static class GgufModelConfig
{
    private static readonly string[] Supported = ["llama", "qwen2", "qwen3", "qwen3moe", "phi3"];

    public static ModelConfig Read(GgufFile file)
    {
        var m = file.Metadata;
        string arch = m.String("general.architecture") ?? throw Invalid(file, "has no general.architecture");
        if (!Supported.Contains(arch))
            throw new NotSupportedException($"{file.Path}: architecture '{arch}' is not supported (supported: {string.Join(", ", Supported)}).");
        int Required(string key) => m.PositiveInt($"{arch}.{key}") ?? throw Invalid(file, $"lacks {arch}.{key}");

        int hidden = Required("embedding_length"), heads = Required("attention.head_count");
        int kvHeads = m.PositiveInt($"{arch}.attention.head_count_kv") ?? heads;
        int headDim = m.PositiveInt($"{arch}.attention.key_length") ?? hidden / heads;
        if (m.PositiveInt($"{arch}.attention.value_length") is { } valueLength && valueLength != headDim)
            throw new NotSupportedException($"{file.Path}: value_length {valueLength} differs from key_length {headDim}.");
        if (heads % kvHeads != 0 || headDim % 2 != 0)
            throw Invalid(file, $"has {heads} heads, {kvHeads} KV heads of size {headDim} (heads must be a multiple of KV heads, the size even)");
        if (m.PositiveInt($"{arch}.rope.dimension_count") is { } ropeDims && ropeDims != headDim)
            throw new NotSupportedException($"{file.Path}: rotary embedding over {ropeDims} of {headDim} head dimensions (partial rotary) is not supported.");
        if (file.Contains("rope_factors_long.weight"))
            throw new NotSupportedException($"{file.Path}: LongRoPE factors in GGUF (rope_factors_long/short) are not supported; use the safetensors checkpoint.");
        var vocabShape = file.Info("token_embd.weight").Shape;
        if (vocabShape.Length != 2 || vocabShape[1] != hidden)
            throw Invalid(file, $"has token_embd.weight of shape [{string.Join(", ", vocabShape)}], expected [vocab, {hidden}]");
        var embedType = GgmlType.ToDType(file.Info("token_embd.weight").GgmlType);

        var eos = new[] { "eos", "eot", "eom" }
            .Select(name => m.Integer($"tokenizer.ggml.{name}_token_id"))
            .Where(id => id is >= 0 and < int.MaxValue).Select(id => (int)id!.Value).Distinct().ToList();
        long? bos = m.Integer("tokenizer.ggml.bos_token_id");
        int experts = m.PositiveInt($"{arch}.expert_count") ?? 0;
        if (arch == "qwen3moe" && experts == 0) throw Invalid(file, "lacks qwen3moe.expert_count");
        if (experts > 0) CheckExperts(file, arch);
        return new ModelConfig
        {
            ModelType = arch,
            HiddenSize = hidden,
            IntermediateSize = Required("feed_forward_length"),
            NumLayers = Required("block_count"),
            NumHeads = heads,
            NumKvHeads = kvHeads,
            HeadDim = headDim,
            VocabSize = vocabShape[0],
            MaxPositionEmbeddings = m.PositiveInt($"{arch}.context_length") ?? 2048,
            RmsNormEps = m.Float($"{arch}.attention.layer_norm_rms_epsilon") ?? 1e-5,
            RopeTheta = m.Float($"{arch}.rope.freq_base") ?? 10000,
            RopeScaling = RopeScaling(file, arch),
            RopeFrequencyFactors = file.Contains("rope_freqs.weight") ? RopeFactors(file, headDim) : null,
            TieWordEmbeddings = !file.Contains("output.weight"),
            QkvBias = file.Contains("blk.0.attn_q.bias"),
            OutputBias = file.Contains("blk.0.attn_output.bias"),
            QkNorm = file.Contains("blk.0.attn_q_norm.weight"),
            FusedProjections = arch == "phi3",
            // As config.json's sliding_window (Hugging Face's semantics; llama.cpp itself reads but does not apply Phi-3's).
            SlidingWindow = m.PositiveInt($"{arch}.attention.sliding_window"),
            // llama.cpp's llama (Mixtral) and qwen3moe graphs: every layer sparse, softmax over the experts, the top k renormalised.
            NumExperts = experts,
            ExpertsPerToken = experts > 0 ? Required("expert_used_count") : 0,
            ExpertIntermediateSize = experts > 0 ? m.PositiveInt($"{arch}.expert_feed_forward_length") ?? Required("feed_forward_length") : 0,
            NormalizeTopK = experts > 0,
            StoredDType = embedType is { } t && !t.IsQuantized() ? t : null,
            BosTokenId = bos is >= 0 and < int.MaxValue ? (int)bos : null,
            EosTokenIds = eos,
        };
    }

    /// <summary>What the engine's mixture of experts does not do is refused: shared experts, scaled expert weights,
    /// and the old layout of one tensor per expert (blk.N.ffn_gate.E.weight).</summary>
    private static void CheckExperts(GgufFile file, string arch)
    {
        var m = file.Metadata;
        if (m.PositiveInt($"{arch}.expert_shared_count") is { } shared)
            throw new NotSupportedException($"{file.Path}: {shared} shared experts ({arch}.expert_shared_count) are not supported.");
        if (m.Float($"{arch}.expert_weights_scale") is { } scale && scale != 0 && scale != 1)
            throw new NotSupportedException($"{file.Path}: expert weights scaled by {scale} ({arch}.expert_weights_scale) are not supported.");
        if (!file.Contains("blk.0.ffn_gate_exps.weight"))
            throw new NotSupportedException($"{file.Path}: expert tensors must be merged per layer (blk.N.ffn_gate_exps.weight, as llama.cpp's converter " +
                "has written them since 2024); this file has another layout — convert it again.");
    }

    private static RopeScaling? RopeScaling(GgufFile file, string arch)
    {
        var m = file.Metadata;
        string type = m.String($"{arch}.rope.scaling.type") ?? "none";
        double factor = m.Float($"{arch}.rope.scaling.factor") ?? 1;
        int original = m.PositiveInt($"{arch}.rope.scaling.original_context_length") ?? m.PositiveInt($"{arch}.context_length") ?? 2048;
        return type switch
        {
            "none" => null,
            "linear" or "yarn" => new RopeScaling { Type = type, Factor = factor, OriginalMaxPositionEmbeddings = original },
            _ => throw new NotSupportedException($"{file.Path}: rope scaling '{type}' is not supported (supported: none, linear, yarn, and Llama 3's rope_freqs)."),
        };
    }

    private static unsafe float[] RopeFactors(GgufFile file, int headDim)
    {
        var tensor = file.Get("rope_freqs.weight");
        tensor.ExpectShape(headDim / 2);
        return Enumerable.Range(0, headDim / 2).Select(i => tensor[i]).ToArray();
    }

    private static InvalidDataException Invalid(GgufFile file, string problem) => new($"{file.Path} {problem}.");
}
