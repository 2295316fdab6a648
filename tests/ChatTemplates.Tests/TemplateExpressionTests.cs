namespace ChatTemplates.Tests;

/// <summary>Operators with Python semantics, attribute/item lookup, slicing and the str/dict methods templates call. Expected strings follow Python Jinja2 3.1 under HF settings.</summary>
public sealed class TemplateExpressionTests
{
    [Theory]
    [InlineData("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 4 / 2 }} {{ 2 ** 10 }} {{ 2 ** 3 ** 2 }}", "3 -4 1 2 3.5 2.0 1024 64")]
    [InlineData("{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ -2 ** 2 }} {{ 10 - 2 - 3 }}", "7 9 4 5")]
    [InlineData("{{ 'a' + 'b' }} {{ 'ab' * 2 }} {{ [1] + [2] }} {{ 'x' ~ 1 ~ none ~ true }}", "ab abab [1, 2] x1NoneTrue")]
    [InlineData("{{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' != 'b' }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 5 }} {{ [1, 2] < [1, 3] }}", "True True True True False True")]
    [InlineData("{{ 'ell' in 'hello' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }} {{ not 'x' in 'abc' }}", "True True True True True")]
    [InlineData("{{ 0 or 'fallback' }} {{ 'first' or 'second' }} {{ 1 and 'both' }} {{ '' and 'never' }}|{{ not none }}", "fallback first both |True")]
    [InlineData("{{ 'yes' if 1 > 0 else 'no' }} {{ 'yes' if [] else 'no' }} [{{ 'x' if false }}]", "yes no []")]
    [InlineData("{{ 1 if true else 2 if true else 3 }} {{ 'a' if false else 'b' if false else 'c' }}", "1 c")]
    [InlineData("{{ m.role }} {{ m['role'] }} {{ m.get('role') }} {{ m.get('missing', 'dflt') }} [{{ m.missing }}]", "user user user dflt []", "{\"m\": {\"role\": \"user\", \"content\": \"hi\"}}")]
    [InlineData("{{ xs[0] }} {{ xs[-1] }} {{ xs[1:] }} {{ xs[:-1] }} {{ xs[::-1] }} {{ xs[::2] }} [{{ xs[10] }}]", "1 3 [2, 3] [1, 2] [3, 2, 1] [1, 3] []", "{\"xs\": [1, 2, 3]}")]
    [InlineData("{{ 'hello'[1:4] }} {{ 'hello'[::-1] }} {{ 'hello'[-1] }} {{ 'hello'.0 }}", "ell olleh o h")]
    [InlineData("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {{ d.keys()|list }} {{ d.values()|list }}", "b=1;a=2; ['b', 'a'] [1, 2]", "{\"d\": {\"b\": 1, \"a\": 2}}")]
    [InlineData("{{ '  hi  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '  hi'.lstrip() }}|{{ 'hi  '.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a,b,c'.split(',', 1) }}", "hi|hi|hi|hi|['a', 'b', '', 'c']|['a', 'b']|['a', 'b,c']")]
    [InlineData("{{ 'abc'.startswith('ab') }} {{ 'abc'.endswith(('x', 'c')) }} {{ 'Ab'.upper() }} {{ 'Ab'.lower() }} {{ \"o'neil mc-d\".title() }} {{ 'hELLO'.capitalize() }} {{ 'aXa'.replace('a', 'b') }}", "True True AB ab O'Neil Mc-D Hello bXb")]
    [InlineData("{{ '{} and {}'.format(1, 'two') }} {{ '{name}!'.format(name='x') }} {{ '{0:>4}|{1:.2f}'.format('a', 3.14159) }}", "1 and two x!    a|3.14")]
    [InlineData("{{ ', '.join(['a', 'b']) }} {{ 'a-b'.find('-') }} {{ 'aaa'.count('a') }} {{ 'x'.isalpha() }} {{ '12'.isdigit() }} {{ 'a\\nb'.splitlines() }}", "a, b 1 3 True True ['a', 'b']")]
    [InlineData("{{ '  a b  '.split(None, 1) }} {{ '  a b  '.rsplit(None, 1) }}", "['a', 'b  '] ['  a', 'b']")]
    public void Renders(string template, string expected, string? variablesJson = null) =>
        TemplateAssert.Renders(expected, template, variablesJson);
}
