namespace Engine.Models;

/// <summary>
/// config.json rope_scaling (or a GGUF's rope.scaling.*), the fields of every type: "linear", "dynamic" (NTK), "yarn",
/// "longrope" (Phi-3's, formerly "su") and "llama3". <see cref="RotaryFrequencies"/> turns them into frequencies.
/// </summary>
public sealed record RopeScaling
{
    public required string Type { get; init; }
    public double Factor { get; init; } = 1;
    /// <summary>The context the model was pretrained with (rope_scaling's, else the config's top-level one).</summary>
    public int OriginalMaxPositionEmbeddings { get; init; }
    /// <summary>Llama 3: wavelengths above original/low are scaled, below original/high kept.</summary>
    public double LowFreqFactor { get; init; } = 1;
    public double HighFreqFactor { get; init; } = 4;
    /// <summary>YaRN: the rotation counts bounding the interpolation ramp.</summary>
    public double BetaFast { get; init; } = 32;
    public double BetaSlow { get; init; } = 1;
    /// <summary>YaRN: whether the ramp bounds are rounded to whole dimensions (HF's truncate, default true).</summary>
    public bool Truncate { get; init; } = true;
    /// <summary>YaRN/LongRoPE: the multiplier of cos and sin; computed from the factor when absent.</summary>
    public double? AttentionFactor { get; init; }
    /// <summary>YaRN (DeepSeek's): the attention factor is mscale(factor, Mscale) / mscale(factor, MscaleAllDim).</summary>
    public double? Mscale { get; init; }
    public double? MscaleAllDim { get; init; }
    /// <summary>LongRoPE: per-frequency divisors for contexts within, and beyond, the original length.</summary>
    public IReadOnlyList<double>? ShortFactor { get; init; }
    public IReadOnlyList<double>? LongFactor { get; init; }
}
