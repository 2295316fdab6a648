using System.Text;
using System.Text.Json;
using ChatTemplates;

namespace ChatTemplates.Tests;

/// <summary>
/// The acceptance data: 30 real chat templates × 3 conversations, rendered by Python Jinja2 3.1 with
/// Hugging Face's settings. Each must render identically, or fail with exactly Jinja's message.
/// </summary>
public sealed class TemplateCaseTests
{
    private static readonly Lazy<JsonElement[]> Cases = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path("chat-templates", "cases.json")));
        return [.. doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone())];
    });

    public static TheoryData<int, string> CaseIndices()
    {
        var data = new TheoryData<int, string>();
        for (var i = 0; i < Cases.Value.Length; i++) data.Add(i, Cases.Value[i].GetProperty("name").GetString()!);
        return data;
    }

    [Fact]
    public void AllNinetyCasesArePresent() => Assert.Equal(90, Cases.Value.Length);

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void RendersLikePythonJinja(int index, string name)
    {
        var failure = Check(Cases.Value[index]);
        Assert.True(failure is null, $"case {index} ({name}): {failure}");
    }

    /// <summary>One test over every case, so a single run lists all failures together.</summary>
    [Fact]
    public void EveryCaseMatches()
    {
        var failures = new StringBuilder();
        var count = 0;
        for (var i = 0; i < Cases.Value.Length; i++)
        {
            if (Check(Cases.Value[i]) is not { } failure) continue;
            count++;
            failures.AppendLine($"--- case {i} ({Cases.Value[i].GetProperty("name").GetString()}):").AppendLine(failure);
        }
        Assert.True(count == 0, $"{count} of {Cases.Value.Length} cases failed:\n{failures}");
    }

    private static string? Check(JsonElement c)
    {
        var template = c.GetProperty("template").GetString()!;
        var bos = c.GetProperty("bos_token").GetString();
        var eos = c.GetProperty("eos_token").GetString();
        var addGenerationPrompt = c.TryGetProperty("add_generation_prompt", out var agp) && agp.GetBoolean();
        var messages = c.GetProperty("messages");

        string actual;
        try
        {
            actual = ChatTemplateRenderer.Render(template, messages, bos, eos, addGenerationPrompt);
        }
        catch (TemplateException e)
        {
            if (c.TryGetProperty("expected_error", out var expectedError))
                return e.Message == expectedError.GetString() ? null : $"error message differs:\n expected: {expectedError.GetString()}\n   actual: {e.Message}";
            return $"unexpected error: {e.Message}";
        }

        if (c.TryGetProperty("expected_error", out var error))
            return $"expected error '{error.GetString()}' but rendered:\n{Escape(actual)}";
        var expected = c.GetProperty("expected").GetString()!;
        return expected == actual ? null : Diff(expected, actual);
    }

    internal static string Diff(string expected, string actual)
    {
        var at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at]) at++;
        var from = Math.Max(0, at - 40);
        return $"first difference at index {at}\n" +
               $" expected: …{Escape(expected[from..Math.Min(expected.Length, at + 40)])}…\n" +
               $"   actual: …{Escape(actual[from..Math.Min(actual.Length, at + 40)])}…\n" +
               $" full expected: {Escape(expected)}\n" +
               $" full actual:   {Escape(actual)}";
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t");
}
