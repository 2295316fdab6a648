using System.Collections.Concurrent;
using System.Text.Json;
using Engine.Tokenization;

namespace Engine.Tests.Tokenization;

/// <summary>The conformance sets in testdata/tokenizers (text and the ids Hugging Face produces), and their
/// tokenizers, loaded once per test run.</summary>
public static class TokenizerCases
{
    public static readonly string[] Folders = ["llama2-spm", "llama3", "qwen3"];

    private static readonly ConcurrentDictionary<string, Lazy<ITextTokenizer>> Tokenizers = new();

    public static ITextTokenizer Tokenizer(params string[] folder) =>
        Tokenizers.GetOrAdd(string.Join('/', folder), _ => new(() => TokenizerLoader.Load(TestData.Path(folder)))).Value;

    public static (string Text, int[] Ids) Case(string folder, int index)
    {
        var c = Load(folder)[index];
        return (c.GetProperty("text").GetString()!, c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
    }

    /// <summary>One row per case: folder, index, and a short form of the text so that reports say which one failed.</summary>
    public static TheoryData<string, int, string> All()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var folder in Folders)
        {
            var cases = Load(folder);
            for (int i = 0; i < cases.Count; i++)
            {
                var text = cases[i].GetProperty("text").GetString()!;
                data.Add(folder, i, text.Length > 40 ? text[..40] + "…" : text);
            }
        }
        return data;
    }

    private static List<JsonElement> Load(string folder) =>
        JsonDocument.Parse(File.ReadAllBytes(TestData.Path("tokenizers", folder, "cases.json")))
            .RootElement.GetProperty("cases").EnumerateArray().ToList();
}
