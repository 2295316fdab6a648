using System.Text.Json;
using Engine.Backends.Cpu;
using Engine.Models;
using Engine.Tests.Models;

namespace Engine.Tests.Gguf;

/// <summary>
/// The GGUF files of quant-tiny-gguf (quantized by llama.cpp: Q8_0, Q4_0, Q4_K_M with Q6_K tensors) against
/// llama.cpp's own logits and greedy tokens (reference-llamacpp.json): at every prompt position the top-1 id is
/// llama.cpp's and each of its top-10 logits is within 1 % of the row's largest |logit|; the 16 greedy tokens are
/// llama.cpp's. Run on the AVX-VNNI and on the portable kernels.
/// </summary>
public sealed class LlamaCppReferenceTests
{
    public static TheoryData<string, int, bool> Cases()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var file in new[] { "Q8_0", "Q4_0", "Q4_K_M" })
            for (int prompt = 0; prompt < 2; prompt++)
                foreach (bool portable in new[] { false, true })
                    data.Add(file, prompt, portable);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogitsAndGreedyTokens_MatchLlamaCpp(string file, int prompt, bool portableKernels)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("models", "quant-tiny-gguf", "reference-llamacpp.json")));
        var reference = json.RootElement.GetProperty("models").GetProperty(file)[prompt];
        var promptIds = reference.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var greedy = reference.GetProperty("greedy_ids").EnumerateArray().Select(e => e.GetInt32()).ToList();

        using var backend = new CpuBackend(2, portableKernels);
        var model = ModelLoader.Load(TestData.Path("models", "quant-tiny-gguf", $"qtiny-{file}.gguf"), backend, null, false, 128, 64, 64);
        var logits = PromptLogitsProbe.Run(model, backend, promptIds);
        int position = 0;
        foreach (var row in reference.GetProperty("top10_logits_per_position").EnumerateArray())
        {
            var ids = row.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var values = row.GetProperty("logits").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var ours = logits[position];
            double scale = ours.Max(Math.Abs);
            Assert.True(ids[0] == Array.IndexOf(ours, ours.Max()), $"{file} position {position}: top-1 {Array.IndexOf(ours, ours.Max())}, llama.cpp {ids[0]}");
            for (int i = 0; i < ids.Length; i++)
                Assert.True(Math.Abs(ours[ids[i]] - values[i]) <= 0.01 * scale,
                    $"{file} position {position}: logit of {ids[i]} is {ours[ids[i]]}, llama.cpp {values[i]} (1 % of {scale} allowed)");
            position++;
        }
        Assert.Equal(promptIds.Length, position);
        Assert.Equal(greedy, GreedyProbe.Generate(model, backend, promptIds, greedy.Count));
    }
}
