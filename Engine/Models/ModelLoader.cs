using Engine.Backends;
using Engine.Loading;

namespace Engine.Models;

/// <summary>Builds a <see cref="LlamaModel"/> from a model source (real or dummy weights) on a backend.</summary>
public static class ModelLoader
{
    public static LlamaModel Load(string model, IComputeBackend backend, DType? dtype, bool dummyWeights,
        int maxPositions, int maxBatchTokens, int maxLogitRows, DType? quantization = null, bool languageModelHead = true)
    {
        using var source = ModelSource.Open(model);
        return Load(source, backend, dtype, quantization, dummyWeights, maxPositions, maxBatchTokens, maxLogitRows, languageModelHead);
    }

    /// <param name="dtype">--dtype: null (auto) keeps the checkpoint's float dtype where the backend runs it.</param>
    /// <param name="quantization">--quantization: float weight matrices (embedding and output included, as
    /// llama-quantize does) are quantized to this type at load; norms and biases stay F32. Weights that are already
    /// quantized (a GGUF) keep their type.</param>
    /// <param name="languageModelHead">false for a pooling model (embeddings): no lm_head is loaded.</param>
    /// <param name="pacer">Slows the load down while other models serve (see <see cref="LoadPacer"/>); null: full speed.</param>
    public static LlamaModel Load(ModelSource source, IComputeBackend backend, DType? dtype, DType? quantization, bool dummyWeights,
        int maxPositions, int maxBatchTokens, int maxLogitRows, bool languageModelHead = true, LoadPacer? pacer = null)
    {
        var storage = quantization ?? dtype ?? source.Config.StoredDType ?? DType.F32;
        using var weights = pacer is null ? source.Weights(dummyWeights) : new PacedWeights(source.Weights(dummyWeights), pacer);
        return new LlamaModel(source.Config, weights, backend, storage, maxPositions, maxBatchTokens, maxLogitRows, languageModelHead);
    }
}
