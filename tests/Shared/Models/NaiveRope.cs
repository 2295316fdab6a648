namespace Tests.Shared;

/// <summary>
/// RoPE frequencies of a config.json, transcribed from the published rope initialisations (HF transformers'
/// modeling_rope_utils; dynamic NTK and the factor of YaRN as vLLM's rotary embeddings apply them to a whole served
/// context): the rotated dimensions, each pair's inverse frequency and the factor cos and sin are multiplied by.
/// </summary>
public static class NaiveRope
{
    public sealed record Frequencies(int Dim, double[] InvFreq, double AttentionScaling);

    public static Frequencies Compute(IReadOnlyDictionary<string, object> config, int headDim, int servedLength)
    {
        double theta = Convert.ToDouble(config["rope_theta"]);
        double partial = config.TryGetValue("partial_rotary_factor", out var p) ? Convert.ToDouble(p) : 1.0;
        int dim = (int)(headDim * partial);
        double[] Default(double baseValue) => Enumerable.Range(0, dim / 2).Select(i => 1.0 / Math.Pow(baseValue, 2.0 * i / dim)).ToArray();
        if (!config.TryGetValue("rope_scaling", out var rs) || rs is not Dictionary<string, object> s) return new(dim, Default(theta), 1);
        int maxPositions = Convert.ToInt32(config["max_position_embeddings"]);
        string type = (string)s["rope_type"];
        double Get(string key, double fallback) => s.TryGetValue(key, out var v) ? Convert.ToDouble(v) : fallback;
        switch (type)
        {
            case "linear":
                return new(dim, Default(theta).Select(f => f / Get("factor", 1)).ToArray(), 1);
            case "dynamic":
            {
                // HF: base · ((factor · seq_len / max_position_embeddings) − (factor − 1)) ^ (dim / (dim − 2)), at vLLM's
                // seq_len = max_position_embeddings · factor.
                double factor = Get("factor", 1), seqLen = maxPositions * factor;
                return new(dim, Default(theta * Math.Pow(factor * seqLen / maxPositions - (factor - 1), dim / (dim - 2.0))), 1);
            }
            case "yarn":
            {
                double factor = Get("factor", 1);
                double original = Get("original_max_position_embeddings", maxPositions);
                static double GetMscale(double scale, double mscale = 1) => scale <= 1 ? 1.0 : 0.1 * mscale * Math.Log(scale) + 1.0;
                double attention = s.TryGetValue("attention_factor", out var af) ? Convert.ToDouble(af)
                    : s.ContainsKey("mscale") && s.ContainsKey("mscale_all_dim") ? GetMscale(factor, Get("mscale", 0)) / GetMscale(factor, Get("mscale_all_dim", 0))
                    : GetMscale(factor);
                double betaFast = Get("beta_fast", 32), betaSlow = Get("beta_slow", 1);
                bool truncate = !s.TryGetValue("truncate", out var tr) || (bool)tr;
                double FindCorrectionDim(double rotations) => dim * Math.Log(original / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));
                double low = FindCorrectionDim(betaFast), high = FindCorrectionDim(betaSlow);
                if (truncate) { low = Math.Floor(low); high = Math.Ceiling(high); }
                low = Math.Max(low, 0); high = Math.Min(high, dim - 1);
                if (low == high) high += 0.001;
                var inv = new double[dim / 2];
                for (int i = 0; i < inv.Length; i++)
                {
                    double posFreq = Math.Pow(theta, 2.0 * i / dim);
                    double extrapolation = 1.0 / posFreq, interpolation = 1.0 / (factor * posFreq);
                    double extrapolationFactor = 1 - Math.Clamp((i - low) / (high - low), 0, 1);
                    inv[i] = interpolation * (1 - extrapolationFactor) + extrapolation * extrapolationFactor;
                }
                return new(dim, inv, attention);
            }
            case "longrope":
            {
                var shortFactor = (double[])s["short_factor"];
                var longFactor = (double[])s["long_factor"];
                double factor = Get("factor", 1);
                double original = maxPositions;
                if (config.TryGetValue("original_max_position_embeddings", out var o))
                {
                    original = Convert.ToDouble(o);
                    factor = maxPositions / original;
                }
                double attention = s.TryGetValue("attention_factor", out var af) ? Convert.ToDouble(af)
                    : factor <= 1 ? 1.0 : Math.Sqrt(1 + Math.Log(factor) / Math.Log(original));
                var ext = servedLength > original ? longFactor : shortFactor;
                return new(dim, Enumerable.Range(0, dim / 2).Select(i => 1.0 / (ext[i] * Math.Pow(theta, 2.0 * i / dim))).ToArray(), attention);
            }
            case "llama3":
            {
                double factor = Get("factor", 1), lowFactor = Get("low_freq_factor", 1), highFactor = Get("high_freq_factor", 4);
                double old = Get("original_max_position_embeddings", 8192);
                double lowWavelen = old / lowFactor, highWavelen = old / highFactor;
                return new(dim, Default(theta).Select(f =>
                {
                    double wavelen = 2 * Math.PI / f;
                    if (wavelen < highWavelen) return f;
                    if (wavelen > lowWavelen) return f / factor;
                    double smooth = (old / wavelen - lowFactor) / (highFactor - lowFactor);
                    return (1 - smooth) * f / factor + smooth * f;
                }).ToArray(), 1);
            }
            default: throw new NotSupportedException(type);
        }
    }

    /// <summary>HF's apply_rotary_pos_emb on the first Dim dimensions of each head (rotate_half over them:
    /// pairs i and i + Dim/2), the rest passed through.</summary>
    public static void Apply(double[] x, int position, int headDim, Frequencies f)
    {
        int half = f.Dim / 2;
        for (int start = 0; start < x.Length; start += headDim)
            for (int i = 0; i < half; i++)
            {
                double angle = position * f.InvFreq[i];
                double cos = Math.Cos(angle) * f.AttentionScaling, sin = Math.Sin(angle) * f.AttentionScaling;
                double a = x[start + i], b = x[start + i + half];
                x[start + i] = a * cos - b * sin;
                x[start + i + half] = b * cos + a * sin;
            }
    }
}
