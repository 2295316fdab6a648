namespace ChatTemplates.Tests;

/// <summary>Jinja's built-in filters and Hugging Face's tojson. Expected strings follow Python Jinja2 3.1 under HF settings.</summary>
public sealed class TemplateFilterTests
{
    [Theory]
    [InlineData("{{ '  x  '|trim }}|{{ 'xxyxx'|trim('x') }}|{{ [1, 2]|length }}|{{ 'abc'|count }}|{{ {'a': 1}|length }}|{{ undefined_thing|length }}", "x|y|2|3|1|0")]
    [InlineData("{{ [3, 1, 2]|first }} {{ [3, 1, 2]|last }} {{ 'abc'|first }} [{{ []|first }}]", "3 2 a []")]
    [InlineData("{{ [1, 2, 3]|join(', ') }} {{ [{'n': 'a'}, {'n': 'b'}]|join('|', attribute='n') }} {{ ['x', 1]|join }}", "1, 2, 3 a|b x1")]
    [InlineData("{{ missing|default('dflt') }} {{ ''|default('empty', true) }} {{ ''|d('kept') }}|{{ none|default('n') }}", "dflt empty |None")]
    [InlineData("{{ 'Hello'|upper }} {{ 'Hello'|lower }} {{ 'hELLO wORLD'|capitalize }} {{ \"o'neil mc-d (x)\"|title }}", "HELLO hello Hello world O'neil Mc-D (X)")]
    [InlineData("{{ 'aaa'|replace('a', 'b') }} {{ 'aaa'|replace('a', 'b', 2) }}", "bbb bba")]
    [InlineData("{{ 'ab'|list }} {{ {'k': 1}|list }} {{ (1, 2)|list }}", "['a', 'b'] ['k'] [1, 2]")]
    [InlineData("{{ msgs|map(attribute='role')|list }} {{ msgs|map(attribute='x', default='-')|list }} {{ [1, 2]|map('string')|list }}", "['user', 'assistant'] ['-', '-'] ['1', '2']", "{\"msgs\": [{\"role\": \"user\"}, {\"role\": \"assistant\"}]}")]
    [InlineData("{{ msgs|selectattr('role', 'equalto', 'user')|list|length }} {{ msgs|rejectattr('role', '==', 'user')|map(attribute='role')|first }} {{ msgs|selectattr('tool')|list }}", "1 assistant [{'role': 'assistant', 'tool': 1}]", "{\"msgs\": [{\"role\": \"user\"}, {\"role\": \"assistant\", \"tool\": 1}]}")]
    [InlineData("{{ [1, 2, 3, 4]|select('odd')|list }} {{ [1, 2, 3, 4]|reject('odd')|list }} {{ [0, 1, '', 'a']|select|list }} {{ [3, 6, 7]|select('divisibleby', 3)|list }}", "[1, 3] [2, 4] [1, 'a'] [3, 6]")]
    [InlineData("{{ {'b': 1, 'a': 2}|items|list }} {{ {'b': 1, 'a': 2}|dictsort }} {{ {'b': 1, 'a': 2}|dictsort(by='value', reverse=true) }}", "[('b', 1), ('a', 2)] [('a', 2), ('b', 1)] [('a', 2), ('b', 1)]")]
    [InlineData("{{ 42|string ~ '!' }} {{ '42'|int + 1 }} {{ '4.7'|int }} {{ 'x'|int }} {{ 'x'|int(-1) }} {{ '0x1A'|int(0, 16) }} {{ 3.9|int }} {{ '2.5'|float }} {{ 'x'|float }} {{ 2|float }}", "42! 43 4 0 -1 26 3 2.5 0.0 2.0")]
    [InlineData("{{ -3|abs }} {{ (-2.5)|abs }} {{ 2.5|round }} {{ 3.5|round }} {{ 3|round }} {{ 3.14159|round(2) }} {{ 3.14159|round(1, 'ceil') }} {{ 3.19|round(1, 'floor') }}", "3 2.5 2.0 4.0 3 3.14 3.2 3.1")]
    [InlineData("{{ 'a\\nb\\n\\nc'|indent(2) }}|{{ 'a\\nb'|indent(2, true) }}|{{ 'a\\n\\nb'|indent('> ', blank=true) }}", "a\n  b\n\n  c|  a\n  b|a\n> \n> b")]
    [InlineData("{{ '<a href=\"x\">&\\''|escape }} {{ 'a'|e }} {{ '<b>'|safe }}", "&lt;a href=&#34;x&#34;&gt;&amp;&#39; a <b>")]
    [InlineData("{{ ['b', 'A', 'a', 'B']|unique|list }} {{ ['b', 'A', 'a']|sort }} {{ ['b', 'A', 'a']|sort(case_sensitive=true) }} {{ [3, 1, 2]|sort(reverse=true) }} {{ [{'n': 2}, {'n': 1}]|sort(attribute='n') }}", "['b', 'A'] ['A', 'a', 'b'] ['A', 'a', 'b'] [3, 2, 1] [{'n': 1}, {'n': 2}]")]
    [InlineData("{{ [1, 2, 3, 4, 5]|batch(2)|list }} {{ [1, 2, 3]|batch(2, 0)|list }} {{ 'one two  three'|wordcount }}", "[[1, 2], [3, 4], [5]] [[1, 2], [3, 0]] 3")]
    [InlineData("{{ [1, 5, 3]|max }} {{ [4, 2, 8]|min }} {{ [1, 2, 3]|sum }} {{ [{'v': 2}, {'v': 3}]|sum(attribute='v') }} {{ 'ab'|reverse }} {{ [1, 2]|reverse|list }}", "5 2 6 5 ba [2, 1]")]
    [InlineData("{{ '%s is %d years, %.1f%%'|format('Ann', 30, 99.5) }} {{ 'x'|center(5) }}| {{ 'a b c d e f'|truncate(9) }} {{ 'abcdefghijklmno'|truncate(8, true) }}", "Ann is 30 years, 99.5%   x  | a b c d e f abcde...")]
    [InlineData("{{ {'a': 'é\"\\n', 'b': [1, 2.5, true, none], 'c': {}}|tojson }}", "{\"a\": \"é\\\"\\n\", \"b\": [1, 2.5, true, null], \"c\": {}}")]
    [InlineData("{{ {'a': [1, {'b': 2}], 'e': []}|tojson(indent=2) }}", "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ],\n  \"e\": []\n}")]
    [InlineData("{{ {'b': 1, 'a': 'ü'}|tojson(sort_keys=true, ensure_ascii=true) }} {{ [1, 2]|tojson(separators=(',', ':')) }} {{ 'x'|tojson }}", "{\"a\": \"\\u00fc\", \"b\": 1} [1,2] \"x\"")]
    public void Renders(string template, string expected, string? variablesJson = null) =>
        TemplateAssert.Renders(expected, template, variablesJson);
}
