using LLama;
using LLama.Common;
using LLama.Native;

namespace Engine.Tests.Gguf;

/// <summary>llama.cpp (through LLamaSharp) as the independent reference: logits of a prompt, and its quantizer.</summary>
public static class LlamaCpp
{
    public static float[][] PromptLogits(string ggufPath, IReadOnlyList<int> tokens)
    {
        var parameters = new ModelParams(ggufPath) { ContextSize = 128, BatchSize = 128, UBatchSize = 128, Threads = 2, GpuLayerCount = 0, TypeK = GGMLType.GGML_TYPE_F32, TypeV = GGMLType.GGML_TYPE_F32 };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var batch = new LLamaBatch();
        for (int i = 0; i < tokens.Count; i++) batch.Add(tokens[i], i, LLamaSeqId.Zero, logits: true);
        var result = context.NativeHandle.Decode(batch);
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama_decode: {result}");
        return Enumerable.Range(0, tokens.Count).Select(i => context.NativeHandle.GetLogitsIth(i).ToArray()).ToArray();
    }

    /// <summary>llama-quantize's llama_model_quantize with one of its presets (Q8_0, Q4_0, Q4_K_M, Q6_K).</summary>
    public static void Quantize(string source, string destination, string preset)
    {
        var type = preset switch
        {
            "Q8_0" => LLamaFtype.MOSTLY_Q8_0,
            "Q4_0" => LLamaFtype.MOSTLY_Q4_0,
            "Q4_K_M" => LLamaFtype.MOSTLY_Q4_K_M,
            "Q6_K" => LLamaFtype.MOSTLY_Q6_K,
            _ => throw new ArgumentException(preset),
        };
        NativeApi.llama_empty_call();   // loads llama.cpp through LLamaSharp's resolver (the quantizer's P/Invoke does not)
        if (!LLamaQuantizer.Quantize(source, destination, type, nthread: 2, allowRequantize: false, quantizeOutputTensor: true))
            throw new InvalidOperationException($"llama_model_quantize {preset} failed for {source}.");
    }
}
