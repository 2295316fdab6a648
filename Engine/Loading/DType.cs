namespace Engine.Loading;

/// <summary>Element types of stored weights (safetensors names: F32, F16, BF16).</summary>
public enum DType
{
    F32,
    F16,
    BF16,
}

public static class DTypeInfo
{
    public static int Size(this DType type) => type == DType.F32 ? 4 : 2;

    public static DType ParseSafetensors(string name) => name switch
    {
        "F32" => DType.F32,
        "F16" => DType.F16,
        "BF16" => DType.BF16,
        _ => throw new NotSupportedException($"Unsupported safetensors dtype '{name}' (supported: F32, F16, BF16)."),
    };

    /// <summary>Parses a --dtype / torch_dtype value; null for "auto".</summary>
    public static DType? ParseTorch(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "float32" or "float" or "fp32" => DType.F32,
        "float16" or "half" or "fp16" => DType.F16,
        "bfloat16" or "bf16" => DType.BF16,
        _ => throw new ArgumentException($"Unknown dtype '{name}' (expected auto, float32, bfloat16 or float16)."),
    };
}
