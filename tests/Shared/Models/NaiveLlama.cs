namespace Tests.Shared;

/// <summary>
/// An independent reference forward of the Llama family, straight from the papers/HF modeling code:
/// plain loops, double accumulation, full causal attention without any cache. Gives logits, or the final hidden
/// states (after the last norm: HF's last_hidden_state, what embeddings pool), for every position.
/// </summary>
public static class NaiveLlama
{
    public static double[][] Forward(TinyModel m, IReadOnlyList<int> tokens)
    {
        var lmHead = (bool)m.Config["tie_word_embeddings"] ? m.Weights["model.embed_tokens.weight"] : m.Weights["lm_head.weight"];
        return FinalHiddenStates(m, tokens).Select(r => Linear(r, lmHead, m.Vocab, null)).ToArray();
    }

    public static double[][] FinalHiddenStates(TinyModel m, IReadOnlyList<int> tokens)
    {
        var w = m.Weights;
        var c = m.Config;
        int n = tokens.Count, h = m.Hidden, hd = m.HeadDim, heads = m.Heads, kvHeads = m.KvHeads;
        double eps = (double)c["rms_norm_eps"];
        string type = (string)c["model_type"];
        var rope = NaiveRope.Compute(c, hd, (int)c["max_position_embeddings"]);
        int slidingWindow = c.TryGetValue("sliding_window", out var sw) ? (int)sw : 0;
        var layerTypes = c.TryGetValue("layer_types", out var lt) ? (string[])lt : null;

        var x = new double[n][];
        for (int t = 0; t < n; t++) x[t] = Row(w["model.embed_tokens.weight"], tokens[t], h);

        for (int l = 0; l < m.Layers; l++)
        {
            string p = $"model.layers.{l}.";
            var normed = x.Select(r => RmsNorm(r, w[p + "input_layernorm.weight"], eps)).ToArray();
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
                if (type is "qwen3" or "qwen3_moe")
                {
                    PerHeadNorm(q[t], w[p + "self_attn.q_norm.weight"], hd, eps);
                    PerHeadNorm(k[t], w[p + "self_attn.k_norm.weight"], hd, eps);
                }
                NaiveRope.Apply(q[t], t, hd, rope);
                NaiveRope.Apply(k[t], t, hd, rope);
            }
            // HF's sliding-window mask: key j is visible to query t when j > t − sliding_window.
            int window = slidingWindow > 0 && (layerTypes is null || layerTypes[l] == "sliding_attention") ? slidingWindow : 0;
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
                        scores[j] = dot / Math.Sqrt(hd);
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
                for (int i = 0; i < h; i++) x[t][i] += o[i];
                var hn = RmsNorm(x[t], w[p + "post_attention_layernorm.weight"], eps);
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
                var act = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
                var down = Linear(act, w[p + "mlp.down_proj.weight"], h, null);
                for (int i = 0; i < h; i++) x[t][i] += down[i];
            }
        }
        return x.Select(r => RmsNorm(r, w["model.norm.weight"], eps)).ToArray();
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

    private static double[] RmsNorm(double[] x, float[] weight, double eps)
    {
        double ms = x.Sum(v => v * v) / x.Length;
        double scale = 1 / Math.Sqrt(ms + eps);
        return x.Select((v, i) => v * scale * weight[i]).ToArray();
    }

    private static void PerHeadNorm(double[] x, float[] weight, int hd, double eps)
    {
        for (int start = 0; start < x.Length; start += hd)
        {
            var normed = RmsNorm(x[start..(start + hd)], weight, eps);
            Array.Copy(normed, 0, x, start, hd);
        }
    }
}
