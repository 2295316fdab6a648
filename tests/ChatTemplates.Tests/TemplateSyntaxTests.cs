namespace ChatTemplates.Tests;

/// <summary>Lexing, whitespace control (trim_blocks, lstrip_blocks, -/+ markers), comments, raw blocks and literals printed with Python's str(). Expected strings follow Python Jinja2 3.1 under HF settings.</summary>
public sealed class TemplateSyntaxTests
{
    [Theory]
    [InlineData("a {# comment #} b", "a  b")]
    [InlineData("{% if true %}\nyes\n{% endif %}\n", "yes\n")]
    [InlineData("  {% if true %}\n  x\n  {% endif %}\n  {{ 1 }}\n  {#- c #}\ny", "  x\n  1y")]
    [InlineData("a  {{- 1 -}}  b", "a1b")]
    [InlineData("a\n  {%- if true -%}\n  b\n{%- endif %}", "ab")]
    [InlineData("  {%+ if true %}x{% endif %}", "  x")]
    [InlineData("{% if true +%}\nx{% endif %}", "\nx")]
    [InlineData("{% raw %}{{ not evaluated }}{% endraw %}", "{{ not evaluated }}")]
    [InlineData("line\n", "line")]
    [InlineData("line\n\n", "line\n")]
    [InlineData("a\r\nb", "a\nb")]
    [InlineData("{{ {'a': {'b': 1}} }}", "{'a': {'b': 1}}")]
    [InlineData("{% generation %}assistant text{% endgeneration %}", "assistant text")]
    [InlineData("{{ 'a' 'b' }}", "ab")]
    [InlineData("{{ 'it\\'s' }}|{{ \"tab\\there\" }}|{{ '\\u00e9\\x41' }}|{{ '\\d' }}", "it's|tab\there|éA|\\d")]
    [InlineData("{{ 42 }} {{ -7 }} {{ 1_000 }} {{ 0x1f }} {{ 1.5 }} {{ 1e3 }} {{ 2.0 }}", "42 -7 1000 31 1.5 1000.0 2.0")]
    [InlineData("{{ true }} {{ True }} {{ false }} {{ none }} {{ None }}", "True True False None None")]
    [InlineData("{{ [1, 'a', none, true, 1.0] }}", "[1, 'a', None, True, 1.0]")]
    [InlineData("{{ {'a': 1, 'b': [2]} }}", "{'a': 1, 'b': [2]}")]
    [InlineData("{{ (1,) }} {{ (1, 2) }} {{ () }}", "(1,) (1, 2) ()")]
    [InlineData("{{ [\"it's\", 'say \"hi\"', 'both \\' \"'] }}", "[\"it's\", 'say \"hi\"', 'both \\' \"']")]
    [InlineData("{{ ['a\\nb'] }}", "['a\\nb']")]
    [InlineData("{{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ 0.1 + 0.2 }} {{ 1/3 }}", "1e+16 1000000000000000.0 0.0001 1e-05 0.30000000000000004 0.3333333333333333")]
    public void Renders(string template, string expected, string? variablesJson = null) =>
        TemplateAssert.Renders(expected, template, variablesJson);
}
