using System.Text.Json;

namespace Tests.Shared;

/// <summary>
/// quant-tiny-gguf's reference-llamacpp.json: for one of its files ("Q8_0", "Q4_0", "Q4_K_M") and prompt (0 or 1),
/// llama.cpp's prompt ids, its 10 largest logits at every prompt position and its greedy tokens after the prompt.
/// </summary>
public sealed record LlamaCppReference(string File, int[] PromptIds, IReadOnlyList<(int[] Ids, double[] Logits)> Top10, int[] GreedyIds)
{
    public static readonly string[] QuantizedFiles = ["Q8_0", "Q4_0", "Q4_K_M"];

    public static LlamaCppReference Load(string file, int prompt)
    {
        using var json = JsonDocument.Parse(System.IO.File.ReadAllText(TestData.Path("models", "quant-tiny-gguf", "reference-llamacpp.json")));
        var reference = json.RootElement.GetProperty("models").GetProperty(file)[prompt];
        static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var top10 = reference.GetProperty("top10_logits_per_position").EnumerateArray()
            .Select(row => (Ints(row.GetProperty("ids")), row.GetProperty("logits").EnumerateArray().Select(e => e.GetDouble()).ToArray()))
            .ToList();
        return new LlamaCppReference(file, Ints(reference.GetProperty("prompt_ids")), top10, Ints(reference.GetProperty("greedy_ids")));
    }

    public string GgufPath => GgufFile(File);

    public static string GgufFile(string file) => TestData.Path("models", "quant-tiny-gguf", $"qtiny-{file}.gguf");

    /// <summary>The acceptance check of issue 18: at every prompt position the top-1 id is llama.cpp's and each of its
    /// top-10 logits is within 1 % of the row's largest |logit|.</summary>
    public void AssertLogitsMatch(IReadOnlyList<float[]> logits)
    {
        Assert.Equal(PromptIds.Length, logits.Count);
        for (int position = 0; position < Top10.Count; position++)
        {
            var (ids, values) = Top10[position];
            var ours = logits[position];
            double scale = ours.Max(Math.Abs);
            int top = Array.IndexOf(ours, ours.Max());
            Assert.True(ids[0] == top, $"{File} position {position}: top-1 {top}, llama.cpp {ids[0]}");
            for (int i = 0; i < ids.Length; i++)
                Assert.True(Math.Abs(ours[ids[i]] - values[i]) <= 0.01 * scale,
                    $"{File} position {position}: logit of {ids[i]} is {ours[ids[i]]}, llama.cpp {values[i]} (1 % of {scale} allowed)");
        }
    }
}
