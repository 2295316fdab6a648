namespace Engine.Loading;

/// <summary>Element types of stored weights: safetensors' F32, F16, BF16, and the ggml block-quantized types the
/// engine runs (GGUF files, or --quantization at load). A quantized row is a sequence of blocks, each holding
/// <see cref="DTypeInfo.BlockElements"/> weights in <see cref="DTypeInfo.BlockBytes"/> bytes (ggml's layouts).</summary>
public enum DType
{
    F32,
    F16,
    BF16,
    Q8_0,
    Q4_0,
    Q4_K,
    Q6_K,
}

public static class DTypeInfo
{
    public static bool IsQuantized(this DType type) => type >= DType.Q8_0;

    /// <summary>Bytes of one element of a float type.</summary>
    public static int Size(this DType type) => type switch
    {
        DType.F32 => 4,
        DType.F16 or DType.BF16 => 2,
        _ => throw new NotSupportedException($"{type} is block-quantized: it has no per-element size (use RowBytes)."),
    };

    /// <summary>Weights per block (1 for float types).</summary>
    public static int BlockElements(this DType type) => type switch
    {
        DType.Q8_0 or DType.Q4_0 => 32,
        DType.Q4_K or DType.Q6_K => 256,
        _ => 1,
    };

    public static int BlockBytes(this DType type) => type switch
    {
        DType.Q8_0 => 34,
        DType.Q4_0 => 18,
        DType.Q4_K => 144,
        DType.Q6_K => 210,
        _ => type.Size(),
    };

    /// <summary>Bytes of a row of <paramref name="cols"/> weights (cols must be a multiple of the block size).</summary>
    public static long RowBytes(this DType type, long cols) => cols / type.BlockElements() * type.BlockBytes();

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

    /// <summary>Parses --quantization (vLLM's flag): the type weights are quantized to at load; null for none.</summary>
    public static DType? ParseQuantization(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or "none" => null,
        "q8_0" => DType.Q8_0,
        "q4_0" => DType.Q4_0,
        "q4_k" => DType.Q4_K,
        _ => throw new ArgumentException($"Unknown quantization '{name}' (expected q8_0, q4_0 or q4_k)."),
    };
}
