using System.Text.Json;
using Engine.Backends.Cpu;
using Engine.Models;

namespace Engine.Tests.Models;

/// <summary>Greedy continuations of stories260K equal llama2.c's (an independent C implementation).</summary>
public class StoriesReferenceTests
{
    public static IEnumerable<object[]> Cases() =>
        ReferenceCase.LoadAll().Select(c => new object[] { c.Prompt });

    [Theory]
    [MemberData(nameof(Cases))]
    public void ModelForward_GreedyMatchesLlama2c(string prompt)
    {
        var c = ReferenceCase.LoadAll().Single(x => x.Prompt == prompt);
        using var backend = new CpuBackend();
        var model = ModelLoader.Load(TestData.Path("models", "stories260K"), backend, null, false, 512, 512, 4);
        var ids = GreedyProbe.Generate(model, backend, c.PromptTokenIds, c.GreedyTokenIds.Count);
        Assert.Equal(c.GreedyTokenIds, ids);
    }
}

public sealed record ReferenceCase(string Prompt, int[] PromptTokenIds, int MaxTokens, List<int> GreedyTokenIds, string GreedyText)
{
    public static List<ReferenceCase> LoadAll()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("models", "stories260K", "reference-greedy.json")));
        return json.RootElement.GetProperty("cases").EnumerateArray().Select(c => new ReferenceCase(
            c.GetProperty("prompt").GetString()!,
            c.GetProperty("prompt_token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("max_tokens").GetInt32(),
            c.GetProperty("greedy_token_ids").EnumerateArray().Select(e => e.GetInt32()).ToList(),
            c.GetProperty("greedy_text").GetString()!)).ToList();
    }
}
