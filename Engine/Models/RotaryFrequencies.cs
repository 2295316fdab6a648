using Engine.Backends;
using Engine.Loading;

namespace Engine.Models;

/// <summary>
/// RoPE inverse frequencies and cos/sin tables for the rotated part of a head (all of it, or partial_rotary_factor of
/// it), under every rope_scaling type, as vLLM's rotary embeddings compute them: linear (positions divided), dynamic NTK
/// (the base grown for the whole extended context at once, as vLLM does: a KV cache cannot be re-rotated when the length
/// grows, which HF's per-length variant would need), YaRN (interpolation ramp and attention factor), LongRoPE (long factors
/// when the served context exceeds the original one, short ones otherwise), Llama 3, or a GGUF's per-frequency factors.
/// </summary>
public static class RotaryFrequencies
{
    /// <summary>The inverse frequency of each rotated pair, and the factor cos and sin are multiplied by.</summary>
    public static (double[] Inverse, double Attention) Compute(int rotaryDim, double theta, RopeScaling? scaling,
        int maxPositions, IReadOnlyList<float>? factors = null)
    {
        double attention = 1;
        if (scaling is { Type: "dynamic" } dynamic) theta = DynamicNtkBase(rotaryDim, theta, dynamic);
        var inv = new double[rotaryDim / 2];
        for (int i = 0; i < inv.Length; i++) inv[i] = 1.0 / Math.Pow(theta, 2.0 * i / rotaryDim);
        switch (scaling?.Type)
        {
            case "llama3": ApplyLlama3(inv, scaling); break;
            case "linear":
                for (int i = 0; i < inv.Length; i++) inv[i] /= scaling.Factor;   // positions divided by the factor
                break;
            case "yarn": attention = ApplyYarn(inv, rotaryDim, theta, scaling); break;
            case "longrope": attention = ApplyLongRope(inv, scaling, maxPositions); break;
        }
        if (factors is not null)
            for (int i = 0; i < inv.Length; i++) inv[i] /= factors[i];
        return (inv, attention);
    }

    /// <summary>Llama 3.1: keep high frequencies, divide low ones by the factor, blend in between.</summary>
    private static void ApplyLlama3(double[] inv, RopeScaling s)
    {
        double lowFreqWavelen = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        double highFreqWavelen = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        for (int i = 0; i < inv.Length; i++)
        {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen < highFreqWavelen) continue;
            if (wavelen > lowFreqWavelen) { inv[i] /= s.Factor; continue; }
            double smooth = (s.OriginalMaxPositionEmbeddings / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
            inv[i] = (1 - smooth) * inv[i] / s.Factor + smooth * inv[i];
        }
    }

    /// <summary>NTK-aware base for the context original × factor.</summary>
    private static double DynamicNtkBase(int rotaryDim, double theta, RopeScaling s) =>
        theta * Math.Pow(s.Factor * s.Factor - (s.Factor - 1), rotaryDim / (rotaryDim - 2.0));

    /// <summary>YaRN: interpolate (divide by the factor) the low frequencies, extrapolate (keep) the high ones, with a
    /// linear ramp between the dimensions that turn beta_fast and beta_slow times over the original context.</summary>
    private static double ApplyYarn(double[] inv, int rotaryDim, double theta, RopeScaling s)
    {
        double CorrectionDim(double rotations) =>
            rotaryDim * Math.Log(s.OriginalMaxPositionEmbeddings / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));
        double low = CorrectionDim(s.BetaFast), high = CorrectionDim(s.BetaSlow);
        if (s.Truncate) (low, high) = (Math.Floor(low), Math.Ceiling(high));
        (low, high) = (Math.Max(low, 0), Math.Min(high, rotaryDim - 1));
        if (low == high) high += 0.001;
        for (int i = 0; i < inv.Length; i++)
        {
            double extrapolated = 1 - Math.Clamp((i - low) / (high - low), 0, 1);
            inv[i] = inv[i] / s.Factor * (1 - extrapolated) + inv[i] * extrapolated;
        }
        return s.AttentionFactor
            ?? (s.Mscale is { } m && s.MscaleAllDim is { } all ? YarnMscale(s.Factor, m) / YarnMscale(s.Factor, all) : YarnMscale(s.Factor, 1));
    }

    private static double YarnMscale(double factor, double mscale) => factor <= 1 ? 1 : 0.1 * mscale * Math.Log(factor) + 1;

    /// <summary>LongRoPE: the frequencies divided per pair by the long factors when the served context exceeds the original
    /// one (vLLM's choice: one table for every position, by the maximum length), else by the short ones.</summary>
    private static double ApplyLongRope(double[] inv, RopeScaling s, int maxPositions)
    {
        var divisors = maxPositions > s.OriginalMaxPositionEmbeddings ? s.LongFactor! : s.ShortFactor!;
        for (int i = 0; i < inv.Length; i++) inv[i] /= divisors[i];
        return s.AttentionFactor
            ?? (s.Factor <= 1 ? 1 : Math.Sqrt(1 + Math.Log(s.Factor) / Math.Log(s.OriginalMaxPositionEmbeddings)));
    }

    public static unsafe RotaryTable Build(IComputeBackend backend, ModelConfig config, int maxPositions)
    {
        var (inv, attention) = Compute(config.RotaryDim, config.RopeTheta, config.RopeScaling, maxPositions, config.RopeFrequencyFactors);
        var cos = HostTensor.Allocate("rope.cos", DType.F32, [maxPositions, inv.Length]);
        var sin = HostTensor.Allocate("rope.sin", DType.F32, [maxPositions, inv.Length]);
        for (int p = 0; p < maxPositions; p++)
        for (int i = 0; i < inv.Length; i++)
        {
            double angle = p * inv[i];
            ((float*)cos.Data)[p * inv.Length + i] = (float)(Math.Cos(angle) * attention);
            ((float*)sin.Data)[p * inv.Length + i] = (float)(Math.Sin(angle) * attention);
        }
        return new RotaryTable(backend.Upload(cos), backend.Upload(sin), config.HeadDim, config.RotaryDim);
    }
}
