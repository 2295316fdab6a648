using System.Text.Json;
using ChatTemplates;

namespace ChatTemplates.Tests;

/// <summary>Renders a template with variables given as a JSON object and compares the result.</summary>
internal static class TemplateAssert
{
    public static string Render(string template, string? variablesJson = null)
    {
        var variables = new Dictionary<string, object?>();
        if (variablesJson is not null)
        {
            using var doc = JsonDocument.Parse(variablesJson);
            foreach (var p in doc.RootElement.EnumerateObject()) variables[p.Name] = p.Value.Clone();
        }
        return ChatTemplate.Parse(template).Render(variables);
    }

    public static void Renders(string expected, string template, string? variablesJson = null)
    {
        string actual;
        try
        {
            actual = Render(template, variablesJson);
        }
        catch (TemplateException e)
        {
            Assert.Fail($"template {template} threw: {e.Message}");
            return;
        }
        if (actual != expected) Assert.Fail($"template {template}\n{TemplateCaseTests.Diff(expected, actual)}");
    }

    public static void Fails(string message, string template, string? variablesJson = null)
    {
        var e = Assert.Throws<TemplateException>(() => Render(template, variablesJson));
        Assert.Equal(message, e.Message);
    }
}
