using System.Text.Json;
using Engine.Loading;

namespace Engine.Models;

/// <summary>
/// The parts of a Hugging Face config.json (+ generation_config.json) that the Llama-family model needs.
/// Llama 2/3, Mistral, Qwen2 (q/k/v bias), Qwen3 (q/k RMSNorm, explicit head_dim), Phi-3/3.5/4 (fused q|k|v and
/// gate|up, LongRoPE, partial rotary), Mixtral/Qwen3-MoE and Gemma 2/3 (<see cref="GemmaConfig"/>) share one shape.
/// </summary>
public sealed record ModelConfig
{
    public required string ModelType { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int NumKvHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int VocabSize { get; init; }
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public double RmsNormEps { get; init; } = 1e-6;
    public double RopeTheta { get; init; } = 10000;
    public RopeScaling? RopeScaling { get; init; }
    /// <summary>How many leading dimensions of each head RoPE rotates (head_dim × partial_rotary_factor).</summary>
    public int RotaryDim { get => _rotaryDim ?? HeadDim; init => _rotaryDim = value; }
    private readonly int? _rotaryDim;
    /// <summary>Per-frequency divisors of the rotary frequencies (a GGUF's rope_freqs tensor: Llama 3.1's scaling, precomputed).</summary>
    public IReadOnlyList<float>? RopeFrequencyFactors { get; init; }
    public bool TieWordEmbeddings { get; init; }
    /// <summary>q/k/v projections carry a bias (Qwen2, or attention_bias: true).</summary>
    public bool QkvBias { get; init; }
    /// <summary>o_proj carries a bias (Llama's attention_bias: true).</summary>
    public bool OutputBias { get; init; }
    /// <summary>Per-head RMSNorm of q and k before RoPE (Qwen3).</summary>
    public bool QkNorm { get; init; }
    /// <summary>Sliding-window attention: a token reads only the last SlidingWindow positions, in every layer but
    /// <see cref="FullAttentionLayers"/> (config.json sliding_window and layer_types).</summary>
    public int? SlidingWindow { get; init; }
    public IReadOnlySet<int> FullAttentionLayers { get; init; } = new HashSet<int>();

    /// <summary>The attention window of a layer (0: the whole context).</summary>
    public int WindowOf(int layer) => SlidingWindow is { } window && !FullAttentionLayers.Contains(layer) ? window : 0;

    /// <summary>Mixture of experts (Mixtral, Qwen3-MoE): each token's MLP is the routing-weighted sum of its top
    /// ExpertsPerToken of NumExperts SwiGLU experts of ExpertIntermediateSize; 0 experts: a dense MLP.</summary>
    public int NumExperts { get; init; }
    public int ExpertsPerToken { get; init; }
    public int ExpertIntermediateSize { get; init; }
    /// <summary>The top-k routing weights are renormalised to sum to 1 (Mixtral always; Qwen3-MoE's norm_topk_prob).</summary>
    public bool NormalizeTopK { get; init; }
    /// <summary>Layers with a dense MLP in a mixture-of-experts model (Qwen3-MoE's mlp_only_layers and decoder_sparse_step).</summary>
    public IReadOnlySet<int> DenseLayers { get; init; } = new HashSet<int>();

    public bool IsMoeLayer(int layer) => NumExperts > 0 && !DenseLayers.Contains(layer);

    /// <summary>q|k|v and gate|up stored as single matrices (Phi-3's qkv_proj and gate_up_proj).</summary>
    public bool FusedProjections { get; init; }

    /// <summary>Gemma: every RMSNorm multiplies by (1 + weight); the offset is added to the stored weights at load (a GGUF
    /// stores them with it already).</summary>
    public float NormWeightOffset { get; init; }
    /// <summary>Gemma: the embedding rows are multiplied by this (sqrt(hidden_size)).</summary>
    public float EmbeddingScale { get; init; } = 1;
    /// <summary>Gemma 2/3: the attention and MLP outputs are RMS-normed before their residual adds (post_attention_layernorm,
    /// post_feedforward_layernorm) and the MLP input by pre_feedforward_layernorm.</summary>
    public bool SandwichNorms { get; init; }
    /// <summary>Gemma: the MLP is GeGLU with the tanh approximation of GELU (gelu_pytorch_tanh), not SwiGLU.</summary>
    public bool GeluActivation { get; init; }
    /// <summary>Attention scores are q·k / sqrt(this) (Gemma's query_pre_attn_scalar; head_dim when null).</summary>
    public double? QueryPreAttentionScalar { get; init; }
    /// <summary>Gemma 2: attention scores become tanh(s / cap) · cap before the softmax (attn_logit_softcapping).</summary>
    public double? AttentionSoftCap { get; init; }
    /// <summary>Gemma 2: logits become tanh(l / cap) · cap (final_logit_softcapping).</summary>
    public double? FinalLogitSoftCap { get; init; }
    /// <summary>Gemma 3: the RoPE base of the sliding-window layers (rope_local_base_freq), without rope_scaling; null: every
    /// layer uses RopeTheta and RopeScaling.</summary>
    public double? LocalRopeTheta { get; init; }
    /// <summary>What the checkpoint puts before "model.*" and "lm_head.weight": Gemma 3's multimodal "language_model.".</summary>
    public string CheckpointPrefix { get; init; } = "";
    public DType? StoredDType { get; init; }
    public int? BosTokenId { get; init; }
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>Weights multiplied once per token: every layer's projections and the lm_head (the embedding lookup
    /// reads one row). A decode step streams them all; a token costs 2 FLOP per element.</summary>
    public long MatMulElements
    {
        get
        {
            long h = HiddenSize, q = (long)NumHeads * HeadDim, kv = (long)NumKvHeads * HeadDim, f = IntermediateSize;
            return NumLayers * ((q + 2 * kv) * h + h * q + 3 * f * h) + (long)VocabSize * h;
        }
    }

    private static readonly string[] Supported = ["llama", "mistral", "qwen2", "qwen3", "phi3", "mixtral", "qwen3_moe", "gemma2", "gemma3_text", "gemma3"];

    public static ModelConfig Load(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, "config.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"No config.json in {modelDirectory}.", path);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var config = Parse(json.RootElement);

        var generation = Path.Combine(modelDirectory, "generation_config.json");
        if (File.Exists(generation))
        {
            using var gen = JsonDocument.Parse(File.ReadAllText(generation));
            var eos = TokenIds(gen.RootElement, "eos_token_id");
            if (eos.Count > 0) config = config with { EosTokenIds = eos.Union(config.EosTokenIds).ToList() };
            if (Int(gen.RootElement, "bos_token_id") is { } bos) config = config with { BosTokenId = bos };
        }
        return config;
    }

    public static ModelConfig Parse(JsonElement root)
    {
        string type = root.TryGetProperty("model_type", out var t) ? t.GetString() ?? "llama" : "llama";
        if (!Supported.Contains(type))
            throw new NotSupportedException($"model_type '{type}' is not supported (supported: {string.Join(", ", Supported)}).");
        if (type == "gemma3") return GemmaConfig.ParseMultimodal(root);
        bool gemma = type is "gemma2" or "gemma3_text";
        int hidden = Int(root, "hidden_size") ?? throw Missing("hidden_size");
        int heads = Int(root, "num_attention_heads") ?? throw Missing("num_attention_heads");
        bool attentionBias = root.TryGetProperty("attention_bias", out var ab) && ab.ValueKind == JsonValueKind.True;
        // Gemma's head_dim is not hidden / heads, and its configs always state it.
        int headDim = Int(root, "head_dim") ?? (gemma ? throw Missing("head_dim") : hidden / heads);
        if (headDim <= 0 || headDim % 2 != 0) throw new InvalidDataException($"config.json head_dim {headDim} must be a positive even number.");
        int maxPositions = Int(root, "max_position_embeddings") ?? 2048;
        int rotaryDim = RotaryDimensions(root, headDim);
        var config = new ModelConfig
        {
            ModelType = type,
            HiddenSize = hidden,
            IntermediateSize = Int(root, "intermediate_size") ?? throw Missing("intermediate_size"),
            NumLayers = Int(root, "num_hidden_layers") ?? throw Missing("num_hidden_layers"),
            NumHeads = heads,
            NumKvHeads = Int(root, "num_key_value_heads") ?? heads,
            HeadDim = headDim,
            VocabSize = Int(root, "vocab_size") ?? throw Missing("vocab_size"),
            MaxPositionEmbeddings = maxPositions,
            RmsNormEps = Double(root, "rms_norm_eps") ?? 1e-6,
            RopeTheta = Double(root, "rope_theta") ?? 10000,
            RopeScaling = ParseRopeScaling(root, maxPositions, rotaryDim),
            RotaryDim = rotaryDim,
            // Gemma ties them unless told otherwise (its config classes' default).
            TieWordEmbeddings = root.TryGetProperty("tie_word_embeddings", out var tie) ? tie.ValueKind == JsonValueKind.True : gemma,
            QkvBias = type == "qwen2" || attentionBias,
            OutputBias = type is "llama" or "mistral" or "gemma2" or "gemma3_text" && attentionBias,
            QkNorm = type is "qwen3" or "qwen3_moe" or "gemma3_text",
            NumExperts = type switch { "mixtral" => Int(root, "num_local_experts") ?? throw Missing("num_local_experts"), "qwen3_moe" => Int(root, "num_experts") ?? throw Missing("num_experts"), _ => 0 },
            ExpertsPerToken = type is "mixtral" or "qwen3_moe" ? Int(root, "num_experts_per_tok") ?? throw Missing("num_experts_per_tok") : 0,
            ExpertIntermediateSize = type == "qwen3_moe" ? Int(root, "moe_intermediate_size") ?? throw Missing("moe_intermediate_size") : Int(root, "intermediate_size") ?? 0,
            NormalizeTopK = type == "mixtral" || (root.TryGetProperty("norm_topk_prob", out var norm) && norm.ValueKind == JsonValueKind.True),
            DenseLayers = type == "qwen3_moe" ? Qwen3MoeDenseLayers(root) : new HashSet<int>(),
            FusedProjections = type == "phi3",
            SlidingWindow = ParseSlidingWindow(root, type),
            FullAttentionLayers = FullAttentionLayerSet(root),
            StoredDType = DTypeInfo.ParseTorch(root.TryGetProperty("torch_dtype", out var d) ? d.GetString() : null),
            BosTokenId = Int(root, "bos_token_id"),
            EosTokenIds = TokenIds(root, "eos_token_id"),
        };
        return gemma ? GemmaConfig.Apply(config, root) : config;
    }

    private static readonly string[] RopeTypes = ["default", "linear", "dynamic", "yarn", "longrope", "llama3"];

    private static RopeScaling? ParseRopeScaling(JsonElement root, int maxPositions, int rotaryDim)
    {
        if (!root.TryGetProperty("rope_scaling", out var s) || s.ValueKind != JsonValueKind.Object) return null;
        string type = s.TryGetProperty("rope_type", out var rt) ? rt.GetString()! : s.TryGetProperty("type", out var tt) ? tt.GetString()! : "default";
        if (type == "su") type = "longrope";   // LongRoPE's first name (Phi-3's early configs)
        if (!RopeTypes.Contains(type))
            throw new NotSupportedException($"rope_scaling type '{type}' is not supported (supported: {string.Join(", ", RopeTypes)}).");
        if (type == "default") return null;
        // Phi-3 keeps the pretrained context at the top level and derives the factor from it.
        int? topLevelOriginal = Int(root, "original_max_position_embeddings");
        int original = topLevelOriginal ?? Int(s, "original_max_position_embeddings") ?? (type == "llama3" ? 8192 : maxPositions);
        double factor = type == "longrope" && topLevelOriginal is not null ? (double)maxPositions / original : Double(s, "factor") ?? 1;
        if (factor <= 0 || (type is "linear" or "dynamic" or "yarn" && factor < 1))
            throw new InvalidDataException($"config.json rope_scaling.factor {factor} is out of range for type '{type}'.");
        var scaling = new RopeScaling
        {
            Type = type,
            Factor = factor,
            OriginalMaxPositionEmbeddings = original,
            LowFreqFactor = Double(s, "low_freq_factor") ?? 1,
            HighFreqFactor = Double(s, "high_freq_factor") ?? 4,
            BetaFast = Double(s, "beta_fast") ?? 32,
            BetaSlow = Double(s, "beta_slow") ?? 1,
            Truncate = !(s.TryGetProperty("truncate", out var tr) && tr.ValueKind == JsonValueKind.False),
            AttentionFactor = Double(s, "attention_factor"),
            Mscale = Double(s, "mscale"),
            MscaleAllDim = Double(s, "mscale_all_dim"),
            ShortFactor = Doubles(s, "short_factor"),
            LongFactor = Doubles(s, "long_factor"),
        };
        if (type == "longrope" && (scaling.ShortFactor?.Count != rotaryDim / 2 || scaling.LongFactor?.Count != rotaryDim / 2))
            throw new InvalidDataException($"config.json rope_scaling of type 'longrope' needs short_factor and long_factor lists of {rotaryDim / 2} numbers (one per rotated pair).");
        return scaling;
    }

    /// <summary>sliding_window applies to Mistral and Phi-3 as it stands; Qwen2/Qwen3 only under use_sliding_window, and then
    /// only with layer_types saying which layers (the older max_window_layers rule has changed meaning between versions).</summary>
    private static int? ParseSlidingWindow(JsonElement root, string type)
    {
        if (Int(root, "sliding_window") is not { } window)
            return type is "gemma2" or "gemma3_text" ? throw Missing("sliding_window") : null;
        if (window <= 0) throw new InvalidDataException($"config.json sliding_window {window} must be positive.");
        if (type is "qwen2" or "qwen3")
        {
            if (!(root.TryGetProperty("use_sliding_window", out var use) && use.ValueKind == JsonValueKind.True)) return null;
            if (!root.TryGetProperty("layer_types", out _))
                throw new NotSupportedException("config.json sets use_sliding_window without layer_types; which layers slide is not defined the same way by every version (max_window_layers), so it is not guessed.");
        }
        return window;
    }

    internal static HashSet<int> FullAttentionLayerSet(JsonElement root)
    {
        if (!root.TryGetProperty("layer_types", out var types) || types.ValueKind != JsonValueKind.Array) return [];
        var full = new HashSet<int>();
        int index = 0;
        foreach (var layer in types.EnumerateArray())
        {
            switch (layer.GetString())
            {
                case "full_attention": full.Add(index); break;
                case "sliding_attention": break;
                case var other: throw new NotSupportedException($"config.json layer_types[{index}] '{other}' is not supported (full_attention, sliding_attention).");
            }
            index++;
        }
        return full;
    }

    /// <summary>HF Qwen3MoeDecoderLayer: a layer is sparse unless listed in mlp_only_layers, and only every
    /// decoder_sparse_step-th layer ((i + 1) % step == 0) is.</summary>
    private static HashSet<int> Qwen3MoeDenseLayers(JsonElement root)
    {
        int layers = Int(root, "num_hidden_layers") ?? 0, step = Int(root, "decoder_sparse_step") ?? 1;
        var mlpOnly = root.TryGetProperty("mlp_only_layers", out var m) && m.ValueKind == JsonValueKind.Array ? m.EnumerateArray().Select(x => x.GetInt32()).ToHashSet() : [];
        return Enumerable.Range(0, layers).Where(i => mlpOnly.Contains(i) || step <= 0 || (i + 1) % step != 0).ToHashSet();
    }

    private static int RotaryDimensions(JsonElement root, int headDim)
    {
        double fraction = Double(root, "partial_rotary_factor") ?? 1;
        int dims = (int)(headDim * fraction);
        if (fraction is <= 0 or > 1 || dims % 2 != 0)
            throw new InvalidDataException($"config.json partial_rotary_factor {fraction} of head_dim {headDim} does not give an even number of rotated dimensions.");
        return dims;
    }

    private static double[]? Doubles(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetDouble()).ToArray() : null;

    internal static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    internal static double? Double(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    internal static List<int> TokenIds(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var v) ? []
        : v.ValueKind == JsonValueKind.Number ? [v.GetInt32()]
        : v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetInt32()).ToList()
        : [];

    internal static InvalidDataException Missing(string name) => new($"config.json lacks '{name}'.");
}
