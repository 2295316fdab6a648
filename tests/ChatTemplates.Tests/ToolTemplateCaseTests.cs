using System.Text.Json;
using ChatTemplates;

namespace ChatTemplates.Tests;

/// <summary>
/// Real templates that take tools (Qwen3's, Mistral's v3 and v3-tekken, Granite 3.0's, all from ../shared/testdata)
/// rendered with tools, assistant tool calls whose arguments are objects, and tool results, against the text Python
/// Jinja2 renders with Hugging Face's settings (ToolCases/tool-cases.json, written by ToolCases/render_expected.py).
/// </summary>
public sealed class ToolTemplateCaseTests
{
    private static readonly Lazy<JsonElement[]> Cases = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ToolCases", "tool-cases.json")));
        return [.. doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone())];
    });

    public static TheoryData<string> Names() => new(Cases.Value.Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(Names))]
    public void RendersToolsLikePythonJinja(string name)
    {
        var c = Cases.Value.Single(x => x.GetProperty("name").GetString() == name);
        var variables = new Dictionary<string, object?> { ["tools"] = c.GetProperty("tools") is { ValueKind: not JsonValueKind.Null } tools ? tools : null };
        foreach (var kwarg in c.GetProperty("kwargs").EnumerateObject()) variables[kwarg.Name] = kwarg.Value;
        string Render() => ChatTemplateRenderer.Render(Template(c.GetProperty("template_source").GetString()!), c.GetProperty("messages"),
            c.GetProperty("bos_token").GetString(), c.GetProperty("eos_token").GetString(), c.GetProperty("add_generation_prompt").GetBoolean(), variables);

        if (c.TryGetProperty("expected_error", out var error))
        {
            Assert.Equal(error.GetString(), Assert.Throws<TemplateException>(Render).Message);
            return;
        }
        var expected = c.GetProperty("expected").GetString()!;
        var actual = Render();
        Assert.True(expected == actual, TemplateCaseTests.Diff(expected, actual));
    }

    /// <summary>Every template of cases.json that reads `tools` has tool cases here.</summary>
    [Fact]
    public void EveryTestDataTemplateThatTakesToolsIsCovered()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path("chat-templates", "cases.json")));
        var sources = Cases.Value.Select(c => c.GetProperty("template_source").GetString()!).ToList();
        var takingTools = doc.RootElement.GetProperty("cases").EnumerateArray()
            .Where(c => c.GetProperty("template").GetString()!.Contains("tools", StringComparison.Ordinal))
            .Select(c => c.GetProperty("name").GetString()!).Distinct().ToList();
        Assert.Equal(3, takingTools.Count);
        foreach (var name in takingTools) Assert.Contains(sources, s => name.StartsWith(s, StringComparison.Ordinal));
    }

    /// <summary>"qwen3": the chat template of the Qwen3 tokenizer files; otherwise the cases.json template of that name.</summary>
    private static string Template(string source)
    {
        if (source == "qwen3")
        {
            using var config = JsonDocument.Parse(File.ReadAllText(TestData.Path("tokenizers", "qwen3", "tokenizer_config.json")));
            return config.RootElement.GetProperty("chat_template").GetString()!;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path("chat-templates", "cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .First(c => c.GetProperty("name").GetString()!.StartsWith(source, StringComparison.Ordinal)).GetProperty("template").GetString()!;
    }
}
