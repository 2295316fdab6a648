using System.Text.Json;
using ChatTemplates;

namespace ChatTemplates.Tests;

/// <summary>What the HTTP server relies on: message JSON conversion, HF's variables, extra variables.</summary>
public sealed class ChatTemplateRendererTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static string Render(string template, string messagesJson, string? bos = "<s>", string? eos = "</s>",
        bool addGenerationPrompt = false, IReadOnlyDictionary<string, object?>? extra = null) =>
        ChatTemplateRenderer.Render(template, Json(messagesJson), bos, eos, addGenerationPrompt, extra);

    [Fact]
    public void NullContentIsNone() =>
        Assert.Equal("True|None", Render("{% for m in messages %}{{ m.content is none }}|{{ m.content }}{% endfor %}",
            """[{"role": "assistant", "content": null}]"""));

    [Fact]
    public void ContentPartsAreAListOfDicts() =>
        Assert.Equal("False text:a;image:;", Render(
            "{{ messages[0].content is string }} {% for p in messages[0].content %}{{ p.type }}:{{ p.text }};{% endfor %}",
            """[{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "image"}]}]"""));

    [Fact]
    public void ExtraMessageFieldsPassThroughInOrder() =>
        Assert.Equal("""get {"city": "Paris", "days": 3, "temp": 1.5} call_1""", Render(
            "{% set tc = messages[0].tool_calls[0] %}{{ tc.function.name }} {{ tc.function.arguments|tojson }} {{ tc.id }}",
            """[{"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get", "arguments": {"city": "Paris", "days": 3, "temp": 1.5}}}]}]"""));

    [Fact]
    public void JsonNumbersKeepPythonTypes() =>
        Assert.Equal("1 1.0 100.0 True False", Render(
            "{% set m = messages[0] %}{{ m.a }} {{ m.b }} {{ m.c }} {{ m.a is integer }} {{ m.b is integer }}",
            """[{"a": 1, "b": 1.0, "c": 1e2}]"""));

    [Fact]
    public void SpecialTokensAndGenerationPrompt()
    {
        const string template = "{{ bos_token }}|{{ eos_token }}|{{ add_generation_prompt }}|{{ bos_token is defined }}";
        Assert.Equal("<s>|</s>|True|True", Render(template, "[]", addGenerationPrompt: true));
        Assert.Equal("||False|False", Render(template, "[]", bos: null, eos: null));
    }

    [Fact]
    public void ToolsAndDocumentsDefaultToNoneLikeHuggingFace() =>
        Assert.Equal("True True True", Render("{{ tools is defined }} {{ tools is none }} {{ documents is none }}", "[]"));

    [Fact]
    public void ExtraVariablesAcceptJsonAndPlainValues()
    {
        var extra = new Dictionary<string, object?>
        {
            ["tools"] = Json("""[{"type": "function", "function": {"name": "f"}}]"""),
            ["enable_thinking"] = false,
            ["n"] = 3,
            ["ratio"] = 0.5f,
            ["list"] = new[] { 1, 2 },
            ["map"] = new Dictionary<string, object?> { ["a"] = 1, ["b"] = null },
            ["bos_token"] = "<override>",
        };
        Assert.Equal("f False 4 0.5 [1, 2] {'a': 1, 'b': None} <override>", Render(
            "{{ tools[0].function.name }} {{ enable_thinking }} {{ n + 1 }} {{ ratio }} {{ list }} {{ map }} {{ bos_token }}",
            "[]", extra: extra));
    }

    [Fact]
    public void RaiseExceptionGivesExactlyTheMessage()
    {
        var e = Assert.Throws<TemplateException>(() => Render(
            "{% for m in messages %}{% if m.role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% endfor %}",
            """[{"role": "system", "content": "x"}]"""));
        Assert.Equal("System role not supported", e.Message);
        Assert.Equal(TemplateErrorKind.Raised, e.Kind);
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void RepeatedRendersReuseTheParsedTemplateAndAreThreadSafe()
    {
        const string template = "{% for m in messages %}{{ loop.index }}{{ m.role }}{% endfor %}";
        var results = Enumerable.Range(0, 64).AsParallel()
            .Select(_ => Render(template, """[{"role": "user"}, {"role": "assistant"}]"""))
            .ToList();
        Assert.All(results, r => Assert.Equal("1user2assistant", r));
    }
}
