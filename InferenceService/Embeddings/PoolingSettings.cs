using Engine.Pooling;

namespace InferenceService.Embeddings;

/// <summary>--pooling-type last|mean: how /v1/embeddings pools a model's final hidden states (default last, as
/// Qwen3-Embedding and vLLM's decoder embedders do). Checked at start-up.</summary>
public sealed record PoolingSettings(PoolingType Type)
{
    public static PoolingSettings Read(IConfiguration configuration) => new(configuration["Engine:PoolingType"]?.ToLowerInvariant() switch
    {
        null or "" or "last" => PoolingType.Last,
        "mean" => PoolingType.Mean,
        var other => throw new ArgumentException($"--pooling-type '{other}': expected last or mean."),
    });
}
