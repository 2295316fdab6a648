using Engine.Backends;
using Engine.Loading;

namespace Engine.Models;

/// <summary>Builds a <see cref="LlamaModel"/> from a model folder (real or dummy weights) on a backend.</summary>
public static class ModelLoader
{
    /// <param name="dtype">--dtype: null (auto) keeps the checkpoint's dtype where the backend runs it.</param>
    /// <param name="languageModelHead">false for a pooling model (embeddings): no lm_head is loaded.</param>
    public static LlamaModel Load(string modelDirectory, IComputeBackend backend, DType? dtype, bool dummyWeights,
        int maxPositions, int maxBatchTokens, int maxLogitRows, bool languageModelHead = true)
    {
        var config = ModelConfig.Load(modelDirectory);
        var storage = dtype ?? config.StoredDType ?? DType.F32;
        using IWeightSource weights = dummyWeights ? new DummyWeights(storage) : new SafetensorsCheckpoint(modelDirectory);
        return new LlamaModel(config, weights, backend, storage, maxPositions, maxBatchTokens, maxLogitRows, languageModelHead);
    }
}
