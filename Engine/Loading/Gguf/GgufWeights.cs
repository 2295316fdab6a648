using System.Globalization;
using System.Text.RegularExpressions;
using Engine.Models;

namespace Engine.Loading.Gguf;

/// <summary>
/// A GGUF file's tensors under the Hugging Face names the model asks for (token_embd → model.embed_tokens,
/// blk.N.attn_q → model.layers.N.self_attn.q_proj, ...). For the `llama` architecture, llama.cpp's converter
/// permuted the rows of Q and K within each head so that ggml's "normal" RoPE rotates adjacent pairs (2i, 2i+1);
/// the engine rotates HF's halves (i, i + d/2), so those rows are put back: HF row h·d + half·d/2 + i is GGUF row
/// h·d + 2i + half. Qwen2/Qwen3 files use NEOX RoPE (= rotate-half) and are read as they are. Mixture-of-experts
/// layers (Mixtral as `llama`, `qwen3moe`) keep each kind of expert matrix in one tensor; an expert is a slice of it.
/// The file belongs to its <see cref="Models.ModelSource"/>, which disposes it.
/// </summary>
public sealed unsafe class GgufWeights(GgufFile file, ModelConfig config) : IWeightSource
{
    private static readonly Regex ExpertWeight = new(@"^(?:block_sparse_moe|mlp)\.experts\.(\d+)\.(\w+)$", RegexOptions.CultureInvariant);

    public HostTensor Get(string name, params int[] shape)
    {
        var (ggufName, expert) = GgufName(name);
        if (!file.Contains(ggufName)) throw new InvalidDataException($"{file.Path}: tensor '{ggufName}' (for {name}) is missing.");
        var tensor = file.Get(ggufName);
        if (expert is { } e) tensor = ExpertSlice(tensor, e);
        tensor.ExpectShape(shape);
        if (config.ModelType == "llama" && (name.Contains(".self_attn.q_proj.", StringComparison.Ordinal) || name.Contains(".self_attn.k_proj.", StringComparison.Ordinal)))
            return Unpermute(tensor, name.Contains(".q_proj.", StringComparison.Ordinal) ? config.NumHeads : config.NumKvHeads);
        return tensor;
    }

    private HostTensor Unpermute(HostTensor tensor, int heads)
    {
        int rows = tensor.Shape[0], headDim = rows / heads, half = headDim / 2;
        var result = HostTensor.Allocate(tensor.Name, tensor.DType, tensor.Shape);
        // A bias is one "row" of single elements.
        long rowBytes = tensor.Shape.Length == 1 ? tensor.DType.RowBytes(1) : tensor.RowBytes;
        for (int h = 0; h < heads; h++)
            for (int part = 0; part < 2; part++)
                for (int i = 0; i < half; i++)
                {
                    long to = h * headDim + part * half + i, from = h * headDim + 2 * i + part;
                    Buffer.MemoryCopy(tensor.Data + from * rowBytes, result.Data + to * rowBytes, rowBytes, rowBytes);
                }
        return result;
    }

    /// <summary>Expert e of llama.cpp's merged expert tensor [experts, rows, cols]: its rows lie together (ggml
    /// quantizes row by row), so the slice is a view.</summary>
    private HostTensor ExpertSlice(HostTensor tensor, int expert)
    {
        if (tensor.Shape.Length != 3 || expert >= tensor.Shape[0])
            throw new InvalidDataException($"{file.Path}: tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}], expected [experts > {expert}, rows, cols].");
        int rows = tensor.Shape[1];
        return new HostTensor($"{tensor.Name}[{expert}]", tensor.DType, [rows, tensor.Shape[2]], tensor.Data + (long)expert * rows * tensor.RowBytes, tensor.Owner);
    }

    /// <summary>The GGUF name of a Hugging Face weight name, and for one expert's matrix its index in the merged tensor.</summary>
    private static (string Name, int? Expert) GgufName(string hfName)
    {
        switch (hfName)
        {
            case "model.embed_tokens.weight": return ("token_embd.weight", null);
            case "model.norm.weight": return ("output_norm.weight", null);
            case "lm_head.weight": return ("output.weight", null);
        }
        const string layers = "model.layers.";
        if (!hfName.StartsWith(layers, StringComparison.Ordinal)) throw new InvalidDataException($"No GGUF name for weight '{hfName}'.");
        int dot = hfName.IndexOf('.', layers.Length);
        string layer = hfName[layers.Length..dot], rest = hfName[(dot + 1)..];
        int suffix = rest.LastIndexOf('.');
        // Mixtral's block_sparse_moe.experts.E.w1/w3/w2 and Qwen3-MoE's mlp.experts.E.gate/up/down_proj: llama.cpp merges
        // each kind over the experts (ffn_gate_exps [experts, ff, hidden], ...).
        var expert = ExpertWeight.Match(rest[..suffix]);
        if (expert.Success)
        {
            string kind = expert.Groups[2].Value switch
            {
                "w1" or "gate_proj" => "ffn_gate_exps",
                "w3" or "up_proj" => "ffn_up_exps",
                "w2" or "down_proj" => "ffn_down_exps",
                var other => throw new InvalidDataException($"No GGUF name for weight '{hfName}' ({other})."),
            };
            return ($"blk.{layer}.{kind}{rest[suffix..]}", int.Parse(expert.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        string part = rest[..suffix] switch
        {
            "input_layernorm" => "attn_norm",
            "self_attn.q_proj" => "attn_q",
            "self_attn.k_proj" => "attn_k",
            "self_attn.v_proj" => "attn_v",
            "self_attn.qkv_proj" => "attn_qkv",
            "self_attn.o_proj" => "attn_output",
            "self_attn.q_norm" => "attn_q_norm",
            "self_attn.k_norm" => "attn_k_norm",
            "post_attention_layernorm" => "ffn_norm",
            "mlp.gate_proj" => "ffn_gate",
            "mlp.up_proj" or "mlp.gate_up_proj" => "ffn_up",   // Phi-3's ffn_up holds gate|up
            "mlp.down_proj" => "ffn_down",
            "block_sparse_moe.gate" or "mlp.gate" => "ffn_gate_inp",   // the router
            var other => throw new InvalidDataException($"No GGUF name for weight '{hfName}' ({other})."),
        };
        return ($"blk.{layer}.{part}{rest[suffix..]}", null);
    }

    public void Dispose() { }
}
