using Engine.Backends;
using Engine.Loading;

namespace Engine.Models;

/// <summary>RoPE inverse frequencies (with Llama 3's frequency-dependent scaling, linear scaling, or a GGUF's
/// per-frequency factors) and cos/sin tables.</summary>
public static class RotaryFrequencies
{
    public static double[] InverseFrequencies(int headDim, double theta, RopeScaling? scaling, IReadOnlyList<float>? factors = null)
    {
        var inv = new double[headDim / 2];
        for (int i = 0; i < inv.Length; i++) inv[i] = 1.0 / Math.Pow(theta, 2.0 * i / headDim);
        if (scaling is { Type: "llama3" } s) ApplyLlama3(inv, s);
        if (scaling is { Type: "linear" } linear)
            for (int i = 0; i < inv.Length; i++) inv[i] /= linear.Factor;   // positions divided by the factor
        if (factors is not null)
            for (int i = 0; i < inv.Length; i++) inv[i] /= factors[i];
        return inv;
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

    public static unsafe RotaryTable Build(IComputeBackend backend, ModelConfig config, int maxPositions)
    {
        var inv = InverseFrequencies(config.HeadDim, config.RopeTheta, config.RopeScaling, config.RopeFrequencyFactors);
        var cos = HostTensor.Allocate("rope.cos", DType.F32, [maxPositions, inv.Length]);
        var sin = HostTensor.Allocate("rope.sin", DType.F32, [maxPositions, inv.Length]);
        for (int p = 0; p < maxPositions; p++)
        for (int i = 0; i < inv.Length; i++)
        {
            double angle = p * inv[i];
            ((float*)cos.Data)[p * inv.Length + i] = (float)Math.Cos(angle);
            ((float*)sin.Data)[p * inv.Length + i] = (float)Math.Sin(angle);
        }
        return new RotaryTable(backend.Upload(cos), backend.Upload(sin), config.HeadDim);
    }
}
