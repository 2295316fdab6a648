using System.Text.Json;

namespace Tests.Shared;

/// <summary>One case of stories260K's reference-greedy.json: llama2.c's greedy continuation of a prompt (its ids and text).</summary>
public sealed record StoriesReference(string Prompt, int[] PromptTokenIds, int[] GreedyTokenIds, string GreedyText)
{
    public static IReadOnlyList<StoriesReference> All { get; } = Load();

    private static List<StoriesReference> Load()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("models", "stories260K", "reference-greedy.json")));
        return json.RootElement.GetProperty("cases").EnumerateArray().Select(c => new StoriesReference(
            c.GetProperty("prompt").GetString()!,
            c.GetProperty("prompt_token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("greedy_token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("greedy_text").GetString()!)).ToList();
    }
}
