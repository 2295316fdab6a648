using System.Text.Json;
using Engine.Loading;

namespace Tests.Shared;

/// <summary>
/// A tiny random-weight Llama-family model written as a real Hugging Face folder (config.json + safetensors,
/// optionally sharded, and the tokenizer files of a real model when asked), with its weights kept here for the
/// reference forward.
/// </summary>
public sealed class TinyModel : IDisposable
{
    public required string Directory { get; init; }
    public required Dictionary<string, float[]> Weights { get; init; }
    public required Dictionary<string, object> Config { get; init; }
    public required Dictionary<string, int[]> Shapes { get; init; }

    public int Hidden => (int)Config["hidden_size"];
    public int Layers => (int)Config["num_hidden_layers"];
    public int Heads => (int)Config["num_attention_heads"];
    public int KvHeads => (int)Config["num_key_value_heads"];
    public int HeadDim => Config.TryGetValue("head_dim", out var d) ? (int)d : Hidden / Heads;
    public int Intermediate => (int)Config["intermediate_size"];
    public int Vocab => (int)Config["vocab_size"];

    public static TinyModel Create(string modelType = "llama", int hidden = 32, int heads = 4, int kvHeads = 2, int? headDim = null,
        int layers = 2, int intermediate = 48, int vocab = 67, bool tied = true, bool qkvBias = false, bool qkNorm = false,
        object? ropeScaling = null, DType dtype = DType.F32, int shards = 1, int seed = 1, int maxPositions = 256, string? tokenizerFrom = null,
        IReadOnlyDictionary<string, object>? extraConfig = null)
    {
        int hd = headDim ?? hidden / heads;
        bool gemma = modelType is "gemma2" or "gemma3_text";
        var config = new Dictionary<string, object>
        {
            ["architectures"] = new[] { "LlamaForCausalLM" },
            ["model_type"] = modelType,
            ["hidden_size"] = hidden,
            ["intermediate_size"] = intermediate,
            ["num_hidden_layers"] = layers,
            ["num_attention_heads"] = heads,
            ["num_key_value_heads"] = kvHeads,
            ["vocab_size"] = vocab,
            ["max_position_embeddings"] = maxPositions,
            ["rms_norm_eps"] = 1e-5,
            ["rope_theta"] = 10000.0,
            ["tie_word_embeddings"] = tied,
            ["torch_dtype"] = dtype switch { DType.F32 => "float32", DType.F16 => "float16", _ => "bfloat16" },
        };
        if (headDim is not null) config["head_dim"] = hd;
        if (ropeScaling is not null) config["rope_scaling"] = ropeScaling;
        foreach (var (key, value) in extraConfig ?? new Dictionary<string, object>()) config[key] = value;

        var random = new Random(seed);
        var weights = new Dictionary<string, float[]>();
        var shapes = new Dictionary<string, int[]>();
        void Add(string name, float scale, params int[] shape)
        {
            int n = shape.Aggregate(1, (a, b) => a * b);
            bool norm = name.EndsWith("norm.weight", StringComparison.Ordinal);
            // Gemma's norms multiply by (1 + weight): its weights sit around 0.
            float normCentre = gemma ? 0f : 1f;
            weights[name] = Enumerable.Range(0, n)
                .Select(_ => SafetensorsWriter.RoundTo(norm ? normCentre + 0.2f * (float)(random.NextDouble() - 0.5) : scale * (float)(2 * random.NextDouble() - 1), dtype))
                .ToArray();
            shapes[name] = shape;
        }
        Add("model.embed_tokens.weight", 1f, vocab, hidden);
        for (int l = 0; l < layers; l++)
        {
            string p = $"model.layers.{l}.";
            float s = 1f / MathF.Sqrt(hidden);
            Add(p + "input_layernorm.weight", 0, hidden);
            Add(p + "self_attn.q_proj.weight", s, heads * hd, hidden);
            Add(p + "self_attn.k_proj.weight", s, kvHeads * hd, hidden);
            Add(p + "self_attn.v_proj.weight", s, kvHeads * hd, hidden);
            if (qkvBias)
            {
                Add(p + "self_attn.q_proj.bias", 0.1f, heads * hd);
                Add(p + "self_attn.k_proj.bias", 0.1f, kvHeads * hd);
                Add(p + "self_attn.v_proj.bias", 0.1f, kvHeads * hd);
            }
            if (qkNorm)
            {
                Add(p + "self_attn.q_norm.weight", 0, hd);
                Add(p + "self_attn.k_norm.weight", 0, hd);
            }
            Add(p + "self_attn.o_proj.weight", 1f / MathF.Sqrt(heads * hd), hidden, heads * hd);
            Add(p + "post_attention_layernorm.weight", 0, hidden);
            if (gemma)
            {
                Add(p + "pre_feedforward_layernorm.weight", 0, hidden);
                Add(p + "post_feedforward_layernorm.weight", 0, hidden);
            }
            Add(p + "mlp.gate_proj.weight", s, intermediate, hidden);
            Add(p + "mlp.up_proj.weight", s, intermediate, hidden);
            Add(p + "mlp.down_proj.weight", 1f / MathF.Sqrt(intermediate), hidden, intermediate);
        }
        Add("model.norm.weight", 0, hidden);
        if (!tied) Add("lm_head.weight", 1f / MathF.Sqrt(hidden), vocab, hidden);
        if (modelType == "phi3")
        {
            config["architectures"] = new[] { "Phi3ForCausalLM" };
            for (int l = 0; l < layers; l++)
            {
                string p = $"model.layers.{l}.";
                Fuse(p + "self_attn.qkv_proj.weight", p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight");
                Fuse(p + "mlp.gate_up_proj.weight", p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight");
            }
        }
        if (modelType is "mixtral" or "qwen3_moe") AddExperts();
        if (gemma) config["architectures"] = new[] { modelType == "gemma2" ? "Gemma2ForCausalLM" : "Gemma3ForCausalLM" };
        // Mixtral's block_sparse_moe (gate; experts' w1 gate, w3 up, w2 down) or Qwen3-MoE's mlp (gate; experts' gate/up/down_proj)
        // in place of the dense MLP, in every layer NaiveMoe counts as sparse.
        void AddExperts()
        {
            bool mixtral = modelType == "mixtral";
            config["architectures"] = new[] { mixtral ? "MixtralForCausalLM" : "Qwen3MoeForCausalLM" };
            int experts = (int)config[mixtral ? "num_local_experts" : "num_experts"];
            int f = mixtral ? intermediate : (int)config["moe_intermediate_size"];
            for (int l = 0; l < layers; l++)
            {
                if (!NaiveMoe.IsSparse(config, l)) continue;
                string p = $"model.layers.{l}.", block = p + (mixtral ? "block_sparse_moe." : "mlp.");
                foreach (var dense in new[] { "gate_proj", "up_proj", "down_proj" })
                {
                    weights.Remove(p + $"mlp.{dense}.weight");
                    shapes.Remove(p + $"mlp.{dense}.weight");
                }
                Add(block + "gate.weight", 1f / MathF.Sqrt(hidden), experts, hidden);
                for (int e = 0; e < experts; e++)
                {
                    string x = $"{block}experts.{e}.";
                    Add(x + (mixtral ? "w1" : "gate_proj") + ".weight", 1f / MathF.Sqrt(hidden), f, hidden);
                    Add(x + (mixtral ? "w3" : "up_proj") + ".weight", 1f / MathF.Sqrt(hidden), f, hidden);
                    Add(x + (mixtral ? "w2" : "down_proj") + ".weight", 1f / MathF.Sqrt(f), hidden, f);
                }
            }
        }
        // Phi-3 checkpoints store q|k|v and gate|up as single matrices, the parts' rows one after the other.
        void Fuse(string fused, params string[] parts)
        {
            weights[fused] = parts.SelectMany(part => weights[part]).ToArray();
            shapes[fused] = [parts.Sum(part => shapes[part][0]), shapes[parts[0]][1]];
            foreach (var part in parts) { weights.Remove(part); shapes.Remove(part); }
        }

        var directory = Path.Combine(Path.GetTempPath(), "tiny-model-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), JsonSerializer.Serialize(config));
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json", "tokenizer.model" })
            if (tokenizerFrom is not null && File.Exists(Path.Combine(tokenizerFrom, file)))
                File.Copy(Path.Combine(tokenizerFrom, file), Path.Combine(directory, file));
        var names = weights.Keys.ToList();
        if (shards == 1)
        {
            SafetensorsWriter.Write(Path.Combine(directory, "model.safetensors"), names.Select(n => new SafetensorsWriter.Entry(n, shapes[n], weights[n])), dtype);
        }
        else
        {
            var map = new Dictionary<string, string>();
            for (int s = 0; s < shards; s++)
            {
                var file = $"model-{s + 1:D5}-of-{shards:D5}.safetensors";
                var part = names.Where((_, i) => i % shards == s).ToList();
                foreach (var n in part) map[n] = file;
                SafetensorsWriter.Write(Path.Combine(directory, file), part.Select(n => new SafetensorsWriter.Entry(n, shapes[n], weights[n])), dtype);
            }
            File.WriteAllText(Path.Combine(directory, "model.safetensors.index.json"),
                JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = map }));
        }
        return new TinyModel { Directory = directory, Weights = weights, Config = config, Shapes = shapes };
    }

    /// <summary>Copies another model folder's tokenizer files here, so the engine can load this model (its vocabulary must
    /// cover the tokenizer's ids).</summary>
    public TinyModel WithTokenizerOf(string modelDirectory)
    {
        foreach (var name in new[] { "tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
            if (File.Exists(System.IO.Path.Combine(modelDirectory, name)))
                File.Copy(System.IO.Path.Combine(modelDirectory, name), System.IO.Path.Combine(Directory, name));
        return this;
    }

    /// <summary>Writes the checkpoint again as one F32 model.safetensors with the weights renamed; a null name leaves a weight
    /// out (an embedding model's checkpoint: the bare decoder, without lm_head or the "model." prefix).</summary>
    public void RewriteCheckpoint(Func<string, string?> rename)
    {
        foreach (var file in System.IO.Directory.GetFiles(Directory, "model*.safetensors*")) File.Delete(file);
        SafetensorsWriter.Write(System.IO.Path.Combine(Directory, "model.safetensors"), Weights
            .Select(w => (Name: rename(w.Key), w.Key))
            .Where(w => w.Name is not null)
            .Select(w => new SafetensorsWriter.Entry(w.Name!, Shapes[w.Key], Weights[w.Key])), DType.F32);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
