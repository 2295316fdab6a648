namespace ChatTemplates.Tests;

/// <summary>if/elif/else, for loops and the loop variable, set (incl. namespace and block set), macros, call blocks, filter and with blocks, loop controls. Expected strings follow Python Jinja2 3.1 under HF settings.</summary>
public sealed class TemplateStatementTests
{
    [Theory]
    [InlineData("{% if x > 1 %}big{% elif x == 1 %}one{% else %}small{% endif %}", "one", "{\"x\": 1}")]
    [InlineData("{% for x in [1, 2, 3] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}", "1032TrueFalse3;2121FalseFalse3;3210FalseTrue3;")]
    [InlineData("{% for x in 'abc' %}[{{ loop.previtem }}{{ x }}{{ loop.nextitem }}]{% endfor %}", "[ab][abc][bc]")]
    [InlineData("{% for x in [1, 2, 3] %}{{ loop.cycle('odd', 'even') }} {% endfor %}", "odd even odd ")]
    [InlineData("{% for x in range(6) if x is even %}{{ loop.index }}/{{ loop.length }}:{{ x }} {% endfor %}", "1/3:0 2/3:2 3/3:4 ")]
    [InlineData("{% for x in [] %}x{% else %}empty{% endfor %}|{% for x in [1] if false %}x{% else %}none passed{% endfor %}", "empty|none passed")]
    [InlineData("{% for i in range(10) %}{% if i == 1 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}", "023")]
    [InlineData("{% for a, b in [(1, 2), (3, 4)] %}{{ a * b }},{% endfor %}", "2,12,")]
    [InlineData("{% for row in [[1, 2], [3]] %}{% for x in row %}{{ loop.index }}{% endfor %}{{ loop.index }};{% endfor %}", "121;12;")]
    [InlineData("{%- for item in [1, [2, [3]]] recursive %}<{{ loop.depth }}:{% if item is iterable %}{{ loop(item) }}{% else %}{{ item }}{% endif %}>{%- endfor %}", "<1:1><1:<2:2><2:<3:3>>>")]
    [InlineData("{% set x = 1 %}{% for i in [1, 2] %}{% set x = x + 10 %}{{ x }},{% endfor %}{{ x }}", "11,11,1")]
    [InlineData("{% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }}", "2")]
    [InlineData("{% set ns = namespace(found=false, count=0) %}{% for i in [1, 2, 3] %}{% if i > 1 %}{% set ns.found = true %}{% set ns.count = ns.count + 1 %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.count }}", "True 2")]
    [InlineData("{% set ns = namespace() %}{% set ns.items = [1] %}{{ ns.items }} {{ ns }}", "[1] <Namespace {'items': [1]}>")]
    [InlineData("{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set t = 1, 2 %}{{ t }}", "12(1, 2)")]
    [InlineData("{% set block %}  inner {{ 1 }}  {% endset %}[{{ block }}]{% set up | upper | trim %} shout {% endset %}[{{ up }}]", "[  inner 1  ][SHOUT]")]
    [InlineData("{% macro greet(name, punct='!') %}Hello {{ name }}{{ punct }}{% endmacro %}{{ greet('a') }} {{ greet('b', '?') }} {{ greet(punct='.', name='c') }}", "Hello a! Hello b? Hello c.")]
    [InlineData("{% macro f(a) %}{{ a }}|{{ varargs }}|{{ kwargs }}{% endmacro %}{{ f(1, 2, 3, k='v') }}", "1|(2, 3)|{'k': 'v'}")]
    [InlineData("{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}bold{% endcall %}", "<b>bold</b>")]
    [InlineData("{% macro each(xs) %}{% for x in xs %}{{ caller(x) }}{% endfor %}{% endmacro %}{% call(item) each([1, 2]) %}[{{ item }}]{% endcall %}", "[1][2]")]
    [InlineData("{% macro m() %}{{ later }}{% endmacro %}{% set later = 'seen' %}{{ m() }}", "seen")]
    [InlineData("{% filter upper %}hello {{ 'world' }}{% endfilter %}", "HELLO WORLD")]
    [InlineData("{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}]", "3[]")]
    [InlineData("{{ strftime_now('%Y') | length }}", "4")]
    [InlineData("{% for x in [1, 2] %}{% continue %}{% else %}else{% endfor %}|{% for x in [1] %}{% break %}{% else %}else{% endfor %}|{% for x in [1, 2] %}{% if x == 1 %}{% continue %}{% endif %}{% else %}else{% endfor %}", "else|else|")]
    public void Renders(string template, string expected, string? variablesJson = null) =>
        TemplateAssert.Renders(expected, template, variablesJson);
}
