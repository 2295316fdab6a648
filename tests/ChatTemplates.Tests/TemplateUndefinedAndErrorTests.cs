namespace ChatTemplates.Tests;

/// <summary>Jinja's default Undefined and the errors (with Python's messages) that rendering raises. Expected strings follow Python Jinja2 3.1 under HF settings.</summary>
public sealed class TemplateUndefinedAndErrorTests
{
    [Theory]
    [InlineData("[{{ missing }}]{{ missing ~ 'x' }}{% if missing %}no{% else %}falsy{% endif %}{% for x in missing %}no{% endfor %}{{ missing|length }}", "[]xfalsy0")]
    [InlineData("{{ missing == missing }} {{ missing is defined }} {{ {'a': 1}.b is defined }} {{ 'str'.nothing is defined }}", "True False False False")]
    [InlineData("[{{ x.content.content }}]", "[]", "{\"x\": {\"content\": \"s\"}}")]
    public void Renders(string template, string expected, string? variablesJson = null) =>
        TemplateAssert.Renders(expected, template, variablesJson);

    [Theory]
    [InlineData("{{ missing.attr }}", "'missing' is undefined")]
    [InlineData("{{ missing['k'] }}", "'missing' is undefined")]
    [InlineData("{{ missing + 1 }}", "'missing' is undefined")]
    [InlineData("{{ missing() }}", "'missing' is undefined")]
    [InlineData("{{ {'a': 1}.b.c }}", "'dict object' has no attribute 'b'")]
    [InlineData("{{ [1][5].x }}", "list object has no element 5")]
    [InlineData("{{ x.content.content.more }}", "'str object' has no attribute 'content'", "{\"x\": {\"content\": \"s\"}}")]
    [InlineData("{{ missing|tojson }}", "Object of type Undefined is not JSON serializable")]
    [InlineData("{{ raise_exception('Only user and assistant roles are supported!') }}", "Only user and assistant roles are supported!")]
    [InlineData("{{ 'a' + 1 }}", "can only concatenate str (not \"int\") to str")]
    [InlineData("{{ none + 1 }}", "unsupported operand type(s) for +: 'NoneType' and 'int'")]
    [InlineData("{{ 'x' < 1 }}", "'<' not supported between instances of 'str' and 'int'")]
    [InlineData("{{ 1 in none }}", "argument of type 'NoneType' is not iterable")]
    [InlineData("{% for x in none %}{% endfor %}", "'NoneType' object is not iterable")]
    [InlineData("{{ 1 // 0 }}", "integer division or modulo by zero")]
    [InlineData("{% set x = 1 %}{% set x.a = 2 %}", "cannot assign attribute on non-namespace object")]
    [InlineData("{% set a, b = [1] %}", "not enough values to unpack (expected 2, got 1)")]
    [InlineData("{% macro f(a) %}{% endmacro %}{{ f(1, 2) }}", "macro 'f' takes not more than 1 argument(s)")]
    [InlineData("{% macro f(a) %}{% endmacro %}{{ f(1, k=2) }}", "macro 'f' takes no keyword argument 'k'")]
    [InlineData("{{ x|nosuchfilter }}", "No filter named 'nosuchfilter'.")]
    [InlineData("{{ range(100001)|length }}", "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).")]
    [InlineData("{% set l = [1] %}{{ l.append(2) }}", "access to attribute 'append' of 'list' object is unsafe.")]
    [InlineData("{% set d = {} %}{{ d.update({'a': 1}) }}", "access to attribute 'update' of 'dict' object is unsafe.")]
    [InlineData("{{ [3, 'a']|sort }}", "'<' not supported between instances of 'str' and 'int'")]
    [InlineData("{{ x[1:] }}", "'NoneType' object is not subscriptable", "{\"x\": null}")]
    [InlineData("{% for x in [1] %}{{ loop([2]) }}{% endfor %}", "The loop must have the 'recursive' marker to be called recursively.")]
    [InlineData("{{ [1,2,3][::0] }}", "slice step cannot be zero")]
    public void Fails(string template, string message, string? variablesJson = null) =>
        TemplateAssert.Fails(message, template, variablesJson);
}
