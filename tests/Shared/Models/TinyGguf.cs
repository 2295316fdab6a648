namespace Tests.Shared;

/// <summary>
/// A <see cref="TinyModel"/> written as an F32 GGUF the way llama.cpp's convert_hf_to_gguf.py writes it: GGUF
/// tensor names (Phi-3's fused attn_qkv and ffn_up; Mixtral's and Qwen3-MoE's experts merged per layer), llama.cpp's metadata keys, Q/K rows permuted for the `llama` architecture (ggml's adjacent-pair
/// RoPE), output.weight only when untied, and a small SentencePiece vocabulary (unk, bos, eos, the 256 byte
/// pieces, then "▁tokN" pieces) that llama.cpp accepts. Matrices given in <c>quantized</c> (by Hugging Face name) are
/// written as their ggml blocks, or, with <c>dequantized</c>, as F32 of their dequantized values: two files of one model.
/// </summary>
public static class TinyGguf
{
    /// <param name="edit">Changes the file before it is written (a key added, tensors removed: files a reader must refuse).</param>
    public static void Write(TinyModel model, string path, IReadOnlyDictionary<string, QuantizedWeight>? quantized = null, bool dequantized = false,
        Action<GgufWriter>? edit = null)
    {
        var c = model.Config;
        string arch = (string)c["model_type"] switch { "mistral" or "mixtral" => "llama", "qwen3_moe" => "qwen3moe", var type => type };
        var writer = new GgufWriter()
            .Add("general.architecture", arch)
            .Add("general.alignment", 32u)
            .Add($"{arch}.context_length", (uint)(int)c["max_position_embeddings"])
            .Add($"{arch}.embedding_length", (uint)model.Hidden)
            .Add($"{arch}.block_count", (uint)model.Layers)
            .Add($"{arch}.feed_forward_length", (uint)model.Intermediate)
            .Add($"{arch}.attention.head_count", (uint)model.Heads)
            .Add($"{arch}.attention.head_count_kv", (uint)model.KvHeads)
            .Add($"{arch}.attention.key_length", (uint)model.HeadDim)
            .Add($"{arch}.attention.value_length", (uint)model.HeadDim)
            .Add($"{arch}.rope.dimension_count", (uint)model.HeadDim)
            .Add($"{arch}.attention.layer_norm_rms_epsilon", (float)(double)c["rms_norm_eps"])
            .Add($"{arch}.rope.freq_base", (float)(double)c["rope_theta"]);
        int experts = c.TryGetValue("num_local_experts", out var n) || c.TryGetValue("num_experts", out n) ? (int)n : 0;
        int expertFf = c.TryGetValue("moe_intermediate_size", out var moeFf) ? (int)moeFf : model.Intermediate;
        if (experts > 0)
        {
            writer.Add($"{arch}.expert_count", (uint)experts).Add($"{arch}.expert_used_count", (uint)(int)c["num_experts_per_tok"]);
            if (arch == "qwen3moe") writer.Add($"{arch}.expert_feed_forward_length", (uint)expertFf);
        }
        if (c.TryGetValue("sliding_window", out var window)) writer.Add($"{arch}.attention.sliding_window", (uint)(int)window);
        if (c.TryGetValue("rope_scaling", out var rs) && rs is Dictionary<string, object> scaling) AddRopeScaling(writer, arch, scaling);
        AddVocabulary(writer, model.Vocab);

        var w = model.Weights;
        void Matrix(string ggufName, string hfName, int rows, int cols, int? permuteHeads = null)
        {
            int heads = arch == "llama" ? permuteHeads ?? 0 : 0;
            if (quantized?.GetValueOrDefault(hfName) is { } q && !dequantized)
            {
                writer.AddTensor(ggufName, GgufWriter.TypeId(q.Type), [cols, rows], heads > 0 ? Permute(q.Blocks, rows, q.RowBytes, heads) : q.Blocks);
                return;
            }
            var values = quantized?.GetValueOrDefault(hfName)?.Dequantized ?? w[hfName];
            writer.AddF32(ggufName, heads > 0 ? Permute(values, rows, cols, heads) : values, cols, rows);
        }
        void Vector(string ggufName, string hfName, int? permuteHeads = null)
        {
            var values = w[hfName];
            if (permuteHeads is { } heads && arch == "llama") values = Permute(values, values.Length, 1, heads);
            writer.AddF32(ggufName, values, values.Length);
        }
        int q = model.Heads * model.HeadDim, kv = model.KvHeads * model.HeadDim;
        Matrix("token_embd.weight", "model.embed_tokens.weight", model.Vocab, model.Hidden);
        Vector("output_norm.weight", "model.norm.weight");
        if (w.ContainsKey("lm_head.weight")) Matrix("output.weight", "lm_head.weight", model.Vocab, model.Hidden);
        for (int l = 0; l < model.Layers; l++)
        {
            string p = $"model.layers.{l}.", b = $"blk.{l}.";
            Vector(b + "attn_norm.weight", p + "input_layernorm.weight");
            if (arch == "phi3") Matrix(b + "attn_qkv.weight", p + "self_attn.qkv_proj.weight", q + 2 * kv, model.Hidden);
            else
            {
                Matrix(b + "attn_q.weight", p + "self_attn.q_proj.weight", q, model.Hidden, model.Heads);
                Matrix(b + "attn_k.weight", p + "self_attn.k_proj.weight", kv, model.Hidden, model.KvHeads);
                Matrix(b + "attn_v.weight", p + "self_attn.v_proj.weight", kv, model.Hidden);
            }
            if (w.ContainsKey(p + "self_attn.q_proj.bias"))
            {
                Vector(b + "attn_q.bias", p + "self_attn.q_proj.bias", model.Heads);
                Vector(b + "attn_k.bias", p + "self_attn.k_proj.bias", model.KvHeads);
                Vector(b + "attn_v.bias", p + "self_attn.v_proj.bias");
            }
            if (w.ContainsKey(p + "self_attn.q_norm.weight"))
            {
                Vector(b + "attn_q_norm.weight", p + "self_attn.q_norm.weight");
                Vector(b + "attn_k_norm.weight", p + "self_attn.k_norm.weight");
            }
            Matrix(b + "attn_output.weight", p + "self_attn.o_proj.weight", model.Hidden, q);
            Vector(b + "ffn_norm.weight", p + "post_attention_layernorm.weight");
            if (arch == "phi3") Matrix(b + "ffn_up.weight", p + "mlp.gate_up_proj.weight", 2 * model.Intermediate, model.Hidden);   // gate|up
            else if (experts > 0)
            {
                // convert_hf_to_gguf.py merges each kind of expert matrix into one [experts, rows, cols] tensor.
                bool mixtral = w.ContainsKey(p + "block_sparse_moe.gate.weight");
                string block = p + (mixtral ? "block_sparse_moe." : "mlp.");
                if (!w.ContainsKey(block + "gate.weight")) throw new NotSupportedException($"Layer {l} is dense: llama.cpp's MoE graphs have sparse layers only.");
                Matrix(b + "ffn_gate_inp.weight", block + "gate.weight", experts, model.Hidden);
                void Experts(string ggufName, string hfName, int rows, int cols) => writer.AddF32(ggufName,
                    [.. Enumerable.Range(0, experts).SelectMany(e => w[$"{block}experts.{e}.{hfName}.weight"])], cols, rows, experts);
                Experts(b + "ffn_gate_exps.weight", mixtral ? "w1" : "gate_proj", expertFf, model.Hidden);
                Experts(b + "ffn_up_exps.weight", mixtral ? "w3" : "up_proj", expertFf, model.Hidden);
                Experts(b + "ffn_down_exps.weight", mixtral ? "w2" : "down_proj", model.Hidden, expertFf);
            }
            else
            {
                Matrix(b + "ffn_gate.weight", p + "mlp.gate_proj.weight", model.Intermediate, model.Hidden);
                Matrix(b + "ffn_up.weight", p + "mlp.up_proj.weight", model.Intermediate, model.Hidden);
            }
            if (experts == 0) Matrix(b + "ffn_down.weight", p + "mlp.down_proj.weight", model.Hidden, model.Intermediate);
        }
        edit?.Invoke(writer);
        writer.Write(path);
    }

    /// <summary>convert_hf_to_gguf.py's rope.scaling.* keys (linear and YaRN; Llama 3's scaling is a rope_freqs tensor,
    /// not written here).</summary>
    private static void AddRopeScaling(GgufWriter writer, string arch, Dictionary<string, object> scaling)
    {
        string type = (string)scaling["rope_type"];
        if (type is not ("linear" or "yarn")) throw new NotSupportedException($"TinyGguf writes linear and yarn rope scaling, not {type}.");
        writer.Add($"{arch}.rope.scaling.type", type).Add($"{arch}.rope.scaling.factor", (float)(double)scaling["factor"]);
        if (scaling.TryGetValue("original_max_position_embeddings", out var original))
            writer.Add($"{arch}.rope.scaling.original_context_length", (uint)(int)original);
    }

    /// <summary>convert_hf_to_gguf.py's permute: within each head, row half·d/2 + i moves to 2i + half.</summary>
    private static T[] Permute<T>(T[] values, int rows, int cols, int heads)
    {
        var result = new T[values.Length];
        int headDim = rows / heads, half = headDim / 2;
        for (int h = 0; h < heads; h++)
            for (int part = 0; part < 2; part++)
                for (int i = 0; i < half; i++)
                    Array.Copy(values, (h * headDim + part * half + i) * cols, result, (h * headDim + 2 * i + part) * cols, cols);
        return result;
    }

    public static void AddVocabulary(GgufWriter writer, int vocab)
    {
        if (vocab < 259) throw new ArgumentException("The SentencePiece vocabulary needs at least 259 tokens (specials and bytes).");
        var tokens = new string[vocab];
        var scores = new float[vocab];
        var types = new int[vocab];
        (tokens[0], types[0]) = ("<unk>", 2);
        (tokens[1], types[1]) = ("<s>", 3);
        (tokens[2], types[2]) = ("</s>", 3);
        for (int b = 0; b < 256; b++) (tokens[3 + b], types[3 + b]) = ($"<0x{b:X2}>", 6);
        for (int i = 259; i < vocab; i++) (tokens[i], scores[i], types[i]) = ($"▁tok{i}", -i, 1);
        writer.Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", tokens)
            .Add("tokenizer.ggml.scores", scores)
            .Add("tokenizer.ggml.token_type", types)
            .Add("tokenizer.ggml.bos_token_id", 1u)
            .Add("tokenizer.ggml.eos_token_id", 2u)
            .Add("tokenizer.ggml.unknown_token_id", 0u);
    }
}
