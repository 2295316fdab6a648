namespace Tests.Shared;

/// <summary>
/// An independent reference forward of the Llama family, straight from the papers/HF modeling code:
/// plain loops, double accumulation, full causal attention without any cache. Gives logits, or the final hidden
/// states (after the last norm: HF's last_hidden_state, what embeddings pool), for every position. Gemma 2/3 as
/// modeling_gemma2.py / modeling_gemma3.py compute them: embeddings × sqrt(hidden_size), Gemma RMSNorm
/// (x / rms · (1 + w)), pre/post attention and feed-forward norms, GeGLU with gelu_pytorch_tanh, scores × 
/// query_pre_attn_scalar^-0.5 soft-capped by attn_logit_softcapping, final_logit_softcapping, and Gemma 3's local RoPE.
/// </summary>
public static class NaiveLlama
{
    public static double[][] Forward(TinyModel m, IReadOnlyList<int> tokens)
    {
        var lmHead = (bool)m.Config["tie_word_embeddings"] ? m.Weights["model.embed_tokens.weight"] : m.Weights["lm_head.weight"];
        var logits = FinalHiddenStates(m, tokens).Select(r => Linear(r, lmHead, m.Vocab, null)).ToArray();
        // Gemma2ForCausalLM: logits = tanh(logits / final_logit_softcapping) · final_logit_softcapping.
        if (m.Config.TryGetValue("final_logit_softcapping", out var cap))
            foreach (var row in logits)
                for (int i = 0; i < row.Length; i++) row[i] = Math.Tanh(row[i] / Convert.ToDouble(cap)) * Convert.ToDouble(cap);
        return logits;
    }

    public static double[][] FinalHiddenStates(TinyModel m, IReadOnlyList<int> tokens)
    {
        var w = m.Weights;
        var c = m.Config;
        int n = tokens.Count, h = m.Hidden, hd = m.HeadDim, heads = m.Heads, kvHeads = m.KvHeads;
        double eps = (double)c["rms_norm_eps"];
        string type = (string)c["model_type"];
        bool gemma = type is "gemma2" or "gemma3_text";
        double normOffset = gemma ? 1 : 0;   // Gemma's RMSNorm multiplies by (1 + weight)
        var rope = NaiveRope.Compute(c, hd, (int)c["max_position_embeddings"]);
        // Gemma3TextModel's rotary_emb_local: rope_local_base_freq, default rope type.
        var localRope = c.TryGetValue("rope_local_base_freq", out var localBase)
            ? NaiveRope.Compute(c.Where(e => e.Key != "rope_scaling").ToDictionary().With("rope_theta", localBase), hd, (int)c["max_position_embeddings"])
            : rope;
        int slidingWindow = c.TryGetValue("sliding_window", out var sw) ? (int)sw : 0;
        var layerTypes = c.TryGetValue("layer_types", out var lt) ? (string[])lt
            // Gemma2Config / Gemma3TextConfig: "sliding_attention" if bool((i + 1) % pattern) else "full_attention".
            : gemma ? Enumerable.Range(0, m.Layers).Select(i => (i + 1) % (type == "gemma2" ? 2 : (int)c["sliding_window_pattern"]) != 0 ? "sliding_attention" : "full_attention").ToArray()
            : null;
        double scaling = c.TryGetValue("query_pre_attn_scalar", out var qpas) ? Math.Pow(Convert.ToDouble(qpas), -0.5) : 1 / Math.Sqrt(hd);
        double? attnCap = c.TryGetValue("attn_logit_softcapping", out var ac) ? Convert.ToDouble(ac) : null;

        var x = new double[n][];
        for (int t = 0; t < n; t++) x[t] = Row(w["model.embed_tokens.weight"], tokens[t], h);
        if (gemma)
            foreach (var row in x)
                for (int i = 0; i < h; i++) row[i] *= Math.Sqrt(h);   // hidden_states * normalizer

        for (int l = 0; l < m.Layers; l++)
        {
            string p = $"model.layers.{l}.";
            var normed = x.Select(r => RmsNorm(r, w[p + "input_layernorm.weight"], eps, normOffset)).ToArray();
            double[][] q, k, v;
            if (type == "phi3")
            {
                // HF Phi3Attention: qkv = qkv_proj(x); q = qkv[..., :heads·hd], k = the next kvHeads·hd, v = the rest.
                var qkv = normed.Select(r => Linear(r, w[p + "self_attn.qkv_proj.weight"], (heads + 2 * kvHeads) * hd, null)).ToArray();
                q = qkv.Select(r => r[..(heads * hd)]).ToArray();
                k = qkv.Select(r => r[(heads * hd)..((heads + kvHeads) * hd)]).ToArray();
                v = qkv.Select(r => r[((heads + kvHeads) * hd)..]).ToArray();
            }
            else
            {
                q = normed.Select(r => Linear(r, w[p + "self_attn.q_proj.weight"], heads * hd, w.GetValueOrDefault(p + "self_attn.q_proj.bias"))).ToArray();
                k = normed.Select(r => Linear(r, w[p + "self_attn.k_proj.weight"], kvHeads * hd, w.GetValueOrDefault(p + "self_attn.k_proj.bias"))).ToArray();
                v = normed.Select(r => Linear(r, w[p + "self_attn.v_proj.weight"], kvHeads * hd, w.GetValueOrDefault(p + "self_attn.v_proj.bias"))).ToArray();
            }
            for (int t = 0; t < n; t++)
            {
                if (type is "qwen3" or "qwen3_moe" or "gemma3_text")
                {
                    PerHeadNorm(q[t], w[p + "self_attn.q_norm.weight"], hd, eps, normOffset);
                    PerHeadNorm(k[t], w[p + "self_attn.k_norm.weight"], hd, eps, normOffset);
                }
            }
            // HF's sliding-window mask: key j is visible to query t when j > t − sliding_window.
            int window = slidingWindow > 0 && (layerTypes is null || layerTypes[l] == "sliding_attention") ? slidingWindow : 0;
            var layerRope = window > 0 ? localRope : rope;
            for (int t = 0; t < n; t++)
            {
                NaiveRope.Apply(q[t], t, hd, layerRope);
                NaiveRope.Apply(k[t], t, hd, layerRope);
            }
            var attn = new double[n][];
            for (int t = 0; t < n; t++)
            {
                attn[t] = new double[heads * hd];
                for (int head = 0; head < heads; head++)
                {
                    int kvh = head / (heads / kvHeads);
                    var scores = new double[t + 1];
                    int first = window > 0 ? Math.Max(0, t - window + 1) : 0;
                    for (int j = 0; j < first; j++) scores[j] = double.NegativeInfinity;
                    for (int j = first; j <= t; j++)
                    {
                        double dot = 0;
                        for (int d = 0; d < hd; d++) dot += q[t][head * hd + d] * k[j][kvh * hd + d];
                        scores[j] = dot * scaling;
                        // Gemma 2: attn_weights = tanh(attn_weights / softcap) · softcap, before the mask and softmax.
                        if (attnCap is { } cap) scores[j] = Math.Tanh(scores[j] / cap) * cap;
                    }
                    double max = scores.Max();
                    var e = scores.Select(s => Math.Exp(s - max)).ToArray();
                    double sum = e.Sum();
                    for (int j = 0; j <= t; j++)
                        for (int d = 0; d < hd; d++) attn[t][head * hd + d] += e[j] / sum * v[j][kvh * hd + d];
                }
            }
            for (int t = 0; t < n; t++)
            {
                var o = Linear(attn[t], w[p + "self_attn.o_proj.weight"], h, null);
                if (gemma) o = RmsNorm(o, w[p + "post_attention_layernorm.weight"], eps, normOffset);
                for (int i = 0; i < h; i++) x[t][i] += o[i];
                var hn = RmsNorm(x[t], w[p + (gemma ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight")], eps, normOffset);
                if (NaiveMoe.IsSparse(c, l))
                {
                    var moe = NaiveMoe.Forward(m, l, hn);
                    for (int i = 0; i < h; i++) x[t][i] += moe[i];
                    continue;
                }
                double[] gate, up;
                if (type == "phi3")
                {
                    // HF Phi3MLP: gate, up = gate_up_proj(x).chunk(2, dim=-1).
                    var gateUp = Linear(hn, w[p + "mlp.gate_up_proj.weight"], 2 * m.Intermediate, null);
                    (gate, up) = (gateUp[..m.Intermediate], gateUp[m.Intermediate..]);
                }
                else
                {
                    gate = Linear(hn, w[p + "mlp.gate_proj.weight"], m.Intermediate, null);
                    up = Linear(hn, w[p + "mlp.up_proj.weight"], m.Intermediate, null);
                }
                var act = gemma
                    ? gate.Select((g, i) => 0.5 * g * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (g + 0.044715 * g * g * g))) * up[i]).ToArray()
                    : gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
                var down = Linear(act, w[p + "mlp.down_proj.weight"], h, null);
                if (gemma) down = RmsNorm(down, w[p + "post_feedforward_layernorm.weight"], eps, normOffset);
                for (int i = 0; i < h; i++) x[t][i] += down[i];
            }
        }
        return x.Select(r => RmsNorm(r, w["model.norm.weight"], eps, normOffset)).ToArray();
    }

    private static double[] Row(float[] matrix, int row, int cols) => Enumerable.Range(0, cols).Select(i => (double)matrix[row * cols + i]).ToArray();

    private static double[] Linear(double[] x, float[] weight, int outputs, float[]? bias)
    {
        var y = new double[outputs];
        for (int o = 0; o < outputs; o++)
        {
            double s = bias?[o] ?? 0;
            for (int i = 0; i < x.Length; i++) s += x[i] * weight[o * x.Length + i];
            y[o] = s;
        }
        return y;
    }

    private static double[] RmsNorm(double[] x, float[] weight, double eps, double offset)
    {
        double ms = x.Sum(v => v * v) / x.Length;
        double scale = 1 / Math.Sqrt(ms + eps);
        return x.Select((v, i) => v * scale * (offset + weight[i])).ToArray();
    }

    private static Dictionary<string, object> With(this Dictionary<string, object> config, string key, object value)
    {
        config[key] = value;
        return config;
    }

    private static void PerHeadNorm(double[] x, float[] weight, int hd, double eps, double offset)
    {
        for (int start = 0; start < x.Length; start += hd)
        {
            var normed = RmsNorm(x[start..(start + hd)], weight, eps, offset);
            Array.Copy(normed, 0, x, start, hd);
        }
    }
}
