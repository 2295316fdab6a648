using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Models;
using Engine.Tests.Models;

namespace Engine.Tests.Gguf;

/// <summary>
/// The GGUF files of quant-tiny-gguf (quantized by llama.cpp: Q8_0, Q4_0, Q4_K_M with Q6_K tensors) against
/// llama.cpp's own logits and greedy tokens (reference-llamacpp.json): at every prompt position the top-1 id is
/// llama.cpp's and each of its top-10 logits is within 1 % of the row's largest |logit|; the 16 greedy tokens are
/// llama.cpp's. Run on the AVX-VNNI and on the portable kernels, with the exact F32 KV cache and with the cache
/// --kv-cache-dtype auto gives these weights (BF16, what the server runs).
/// </summary>
public sealed class LlamaCppReferenceTests
{
    public static TheoryData<string, int, bool, bool> Cases()
    {
        var data = new TheoryData<string, int, bool, bool>();
        foreach (var file in LlamaCppReference.QuantizedFiles)
            for (int prompt = 0; prompt < 2; prompt++)
                foreach (bool portable in new[] { false, true })
                    foreach (bool autoKv in new[] { false, true })
                        data.Add(file, prompt, portable, autoKv);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogitsAndGreedyTokens_MatchLlamaCpp(string file, int prompt, bool portableKernels, bool autoKvCache)
    {
        var reference = LlamaCppReference.Load(file, prompt);
        using var backend = new CpuBackend(2, portableKernels);
        var model = ModelLoader.Load(reference.GgufPath, backend, null, false, 128, 64, 64);
        var kv = autoKvCache ? Backends.KvCacheDTypes.ForWeights(model.MatMulWeightDTypes) : KvCacheDType.Float32;
        Assert.Equal(autoKvCache ? KvCacheDType.BFloat16 : KvCacheDType.Float32, kv);
        reference.AssertLogitsMatch(PromptLogitsProbe.Run(model, backend, reference.PromptIds, kvCacheDType: kv));
        Assert.Equal(reference.GreedyIds, GreedyProbe.Generate(model, backend, reference.PromptIds, reference.GreedyIds.Length, kvCacheDType: kv));
    }
}
