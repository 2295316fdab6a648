using Engine.Loading;

namespace Engine.Backends;

/// <summary>How the KV cache stores each K and V element (vLLM's --kv-cache-dtype). Attention reads the compact type
/// and computes in F32, so a smaller type means fewer bytes read per step and more blocks in the same memory.</summary>
public enum KvCacheDType
{
    /// <summary>The activations' type: exact.</summary>
    Float32,
    BFloat16,
    /// <summary>OCP FP8 E4M3 ("fn": no infinities, max ±448), saturating.</summary>
    Fp8E4M3,
    /// <summary>OCP FP8 E5M2 (IEEE-like, max finite ±57344), saturating.</summary>
    Fp8E5M2,
}

public static class KvCacheDTypes
{
    public static int ElementBytes(this KvCacheDType type) => type switch
    {
        KvCacheDType.Float32 => 4,
        KvCacheDType.BFloat16 => 2,
        _ => 1,
    };

    /// <summary>The --kv-cache-dtype value that selects <paramref name="type"/>.</summary>
    public static string FlagName(this KvCacheDType type) => type switch
    {
        KvCacheDType.Float32 => "float32",
        KvCacheDType.BFloat16 => "bfloat16",
        KvCacheDType.Fp8E4M3 => "fp8_e4m3",
        _ => "fp8_e5m2",
    };

    /// <summary>Parses --kv-cache-dtype (vLLM's names; fp8 alone means fp8_e4m3, as in vLLM); auto is null, resolved by
    /// <see cref="ForWeights"/> once the model is loaded.</summary>
    public static KvCacheDType? Parse(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "float32" => KvCacheDType.Float32,
        "bfloat16" => KvCacheDType.BFloat16,
        "fp8" or "fp8_e4m3" => KvCacheDType.Fp8E4M3,
        "fp8_e5m2" => KvCacheDType.Fp8E5M2,
        _ => throw new ArgumentException($"--kv-cache-dtype '{name}': expected auto, float32, bfloat16, fp8_e4m3 or fp8_e5m2."),
    };

    /// <summary>
    /// auto, as vLLM's follows the model's dtype: F32 for a model whose weight matrices are all F32 (F16 checkpoints run
    /// as F32 on the CPU), else BF16: such weights hold no more than BF16's 8 significant bits themselves, and llama.cpp
    /// keeps its cache in F16 by default. Attention then reads half the bytes of an F32 cache.
    /// </summary>
    public static KvCacheDType ForWeights(IEnumerable<DType> matMulWeightTypes) =>
        matMulWeightTypes.All(t => t == DType.F32) ? KvCacheDType.Float32 : KvCacheDType.BFloat16;
}
