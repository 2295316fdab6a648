namespace ChatTemplates.Tests;

/// <summary>Jinja's tests (x is defined, x is string, ...). Expected strings follow Python Jinja2 3.1 under HF settings.</summary>
public sealed class TemplateIsTests
{
    [Theory]
    [InlineData("{{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ none is none }} {{ 0 is none }}", "True False True True False", "{\"x\": 0}")]
    [InlineData("{{ 'a' is string }} {{ 1 is string }} {{ 1 is number }} {{ 1.5 is number }} {{ true is number }} {{ 1 is integer }} {{ true is integer }} {{ 1.0 is float }}", "True False True True True True False True")]
    [InlineData("{{ {} is mapping }} {{ [] is mapping }} {{ [] is iterable }} {{ 'a' is iterable }} {{ 1 is iterable }} {{ [] is sequence }} {{ 'a' is sequence }} {{ 1 is sequence }}", "True False True True False True True False")]
    [InlineData("{{ true is boolean }} {{ 1 is boolean }} {{ true is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }}", "True False True False True False")]
    [InlineData("{{ 'user' is equalto 'user' }} {{ 2 is eq 2 }} {{ 1 is ne 2 }} {{ 1 is lt 2 }} {{ 3 is gt 2 }} {{ 2 is ge 2 }} {{ 2 is le 1 }}", "True True True True True True False")]
    [InlineData("{{ 3 is odd }} {{ 3 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} {{ 'a' is in 'abc' }} {{ 2 is in [1] }} {{ none is sameas none }} {{ x is not none }}", "True False True False True False True True", "{\"x\": 1}")]
    [InlineData("{{ 'abc' is lower }} {{ 'ABC' is upper }} {{ range is callable }} {{ 'upper' is filter }} {{ 'odd' is test }}", "True True True True True")]
    public void Renders(string template, string expected, string? variablesJson = null) =>
        TemplateAssert.Renders(expected, template, variablesJson);
}
