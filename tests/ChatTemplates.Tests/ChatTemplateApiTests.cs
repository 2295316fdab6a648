using ChatTemplates;

namespace ChatTemplates.Tests;

/// <summary>ChatTemplate.Parse/Render: error kinds and lines, recursion safety, strftime_now.</summary>
public sealed class ChatTemplateApiTests
{
    private static readonly Dictionary<string, object?> NoVariables = [];

    [Theory]
    [InlineData("{% for x in y %}", "endfor")]
    [InlineData("{% if true %}{% endfor %}", "endfor")]
    [InlineData("{{ 'unterminated }}", "unexpected end of string")]
    [InlineData("{{ (1, 2 }}", "unexpected '}'")]
    [InlineData("{% include 'x.j2' %}", "Encountered unknown tag 'include'")]
    [InlineData("{# no end", "Missing end of comment tag")]
    [InlineData("{{ }}", "Expected an expression")]
    [InlineData("{% break %}", "outside of a loop")]
    public void SyntaxErrorsThrowOnParse(string template, string fragment)
    {
        var e = Assert.Throws<TemplateException>(() => ChatTemplate.Parse(template));
        Assert.Equal(TemplateErrorKind.Syntax, e.Kind);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void SyntaxErrorReportsItsLine()
    {
        var e = Assert.Throws<TemplateException>(() => ChatTemplate.Parse("line 1\n{% if true %}\n{{ 1 + }}\n{% endif %}"));
        Assert.Equal(3, e.Line);
    }

    [Theory]
    [InlineData("{{ missing.attr }}", TemplateErrorKind.Undefined)]
    [InlineData("{{ 'a' + 1 }}", TemplateErrorKind.Runtime)]
    [InlineData("{% set l = [] %}{{ l.append(1) }}", TemplateErrorKind.Security)]
    [InlineData("{{ raise_exception('x') }}", TemplateErrorKind.Raised)]
    public void RuntimeErrorsCarryAKind(string template, TemplateErrorKind kind)
    {
        var parsed = ChatTemplate.Parse(template);
        Assert.Equal(kind, Assert.Throws<TemplateException>(() => parsed.Render(NoVariables)).Kind);
    }

    [Fact]
    public void RuntimeErrorReportsTheStatementLine()
    {
        var parsed = ChatTemplate.Parse("a\nb\n{{ 1 // 0 }}");
        Assert.Equal(3, Assert.Throws<TemplateException>(() => parsed.Render(NoVariables)).Line);
    }

    [Fact]
    public void EndlessMacroRecursionIsAnErrorNotACrash()
    {
        var parsed = ChatTemplate.Parse("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
        var e = Assert.Throws<TemplateException>(() => parsed.Render(NoVariables));
        Assert.Equal("maximum recursion depth exceeded", e.Message);
    }

    [Fact]
    public void DeeplyNestedSyntaxIsAnErrorNotACrash()
    {
        var source = "{{ " + new string('(', 100_000) + "1" + new string(')', 100_000) + " }}";
        Assert.Throws<TemplateException>(() => ChatTemplate.Parse(source));
    }

    [Fact]
    public void HugeRepetitionIsRefused()
    {
        var parsed = ChatTemplate.Parse("{{ 'x' * 1000000000000 }}");
        Assert.Throws<TemplateException>(() => parsed.Render(NoVariables));
    }

    [Fact]
    public void StrftimeNowFollowsPythonDirectives()
    {
        var parsed = ChatTemplate.Parse(
            "{{ strftime_now('%Y-%m-%d %H:%M:%S.%f %a %A %b %B %-d %e %I%p %j %U %W %y %w %c|%x|%X %% %z%Z') }}");
        var now = new DateTime(2024, 3, 5, 14, 7, 9).AddTicks(1_234_560);
        // Expected output of Python's datetime(2024, 3, 5, 14, 7, 9, 123456).strftime(...) on Linux.
        Assert.Equal("2024-03-05 14:07:09.123456 Tue Tuesday Mar March 5  5 02PM 065 09 10 24 2 Tue Mar  5 14:07:09 2024|03/05/24|14:07:09 % ",
            parsed.Render(NoVariables, () => now));
    }

    [Fact]
    public void VariablesMayBePlainDotNetValues()
    {
        var parsed = ChatTemplate.Parse("{{ messages[0]['role'] }} {{ flag }} {{ count * 2 }} {{ nothing }}");
        var variables = new Dictionary<string, object?>
        {
            ["messages"] = new List<Dictionary<string, object?>> { new() { ["role"] = "user" } },
            ["flag"] = true,
            ["count"] = 21L,
            ["nothing"] = null,
        };
        Assert.Equal("user True 42 None", parsed.Render(variables));
    }
}
