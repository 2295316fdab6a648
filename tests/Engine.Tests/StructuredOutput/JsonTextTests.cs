using System.Text.Json;
using Engine.StructuredOutput;

namespace Engine.Tests.StructuredOutput;

/// <summary>Hand-picked JSON texts a schema's automaton must accept or refuse: Unicode and every escape form, lone
/// surrogates, exponents, empty and deeply nested containers, the whitespace bound, enum values with escapes.</summary>
public class JsonTextTests
{
    public static TheoryData<string, string, bool> Cases() => new()
    {
        { """{"type":"string"}""", "\"héllo 😀 中文\"", true },
        { """{"type":"string"}""", """ "a\nb\t\u00e9\ud83d\ude00\"\\\/\b\f\r" """.Trim(), true },
        { """{"type":"string"}""", """ "\ud800" """.Trim(), false },                 // a lone surrogate escape
        { """{"type":"string"}""", """ "\ude00\ud83d" """.Trim(), false },          // a pair in the wrong order
        { """{"type":"string"}""", "\"a\u0001b\"", false },                          // a raw control character
        { """{"type":"string"}""", """ "\x41" """.Trim(), false },                   // not a JSON escape
        { """{"type":"string","maxLength":2}""", "\"😀\\n\"", true },                 // two characters, five bytes
        { """{"type":"string","maxLength":2}""", "\"abc\"", false },
        { """{"type":"string","minLength":2}""", "\"e\u0301\"", false },             // one grapheme: a validator counting graphemes would refuse it
        { """{"type":"number"}""", "1e5", true },
        { """{"type":"number"}""", "-0.5E-12", true },
        { """{"type":"number"}""", "1.25e+3", true },
        { """{"type":"number"}""", "01", false },
        { """{"type":"number"}""", "1.", false },
        { """{"type":"number"}""", ".5", false },
        { """{"type":"number"}""", "+1", false },
        { """{"type":"number"}""", "1e", false },
        { """{"type":"integer"}""", "1e3", false },                                  // integers are written as digits
        { """{"type":"integer"}""", "-0", true },
        { """{"type":"array"}""", "[]", true },
        { """{"type":"array"}""", "[ ]", true },
        { """{"type":"array"}""", """[1, "a", {}, [], null, true]""", true },
        { """{"type":"array"}""", "[1,]", false },
        { """{"type":"object"}""", "{}", true },
        { """{"type":"object"}""", """{"a":{"b":[[[]]]},"c":""}""", true },
        { """{"type":"object"}""", "{\n    \"a\": 1,\n\t\"b\" : 2\n}", true },
        { """{"type":"object"}""", "{" + new string(' ', 21) + "}", false },          // past the whitespace bound
        { """{"type":"object"}""", """{"a" 1}""", false },
        { """{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":false}""", """{"b":1}""", false },
        { """{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":{"type":"string"}}""", """{"a":1,"b":"x"}""", true },
        { """{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":{"type":"string"}}""", """{"a":1,"a":"x"}""", false },
        { """{"enum":["é\"x",null,{"k":[1]}]}""", """ "é\"x" """.Trim(), true },
        { """{"enum":["é\"x",null,{"k":[1]}]}""", """{"k":[1]}""", true },
        { """{"enum":["é\"x",null,{"k":[1]}]}""", "\"ex\"", false },
        { """{"type":"array","items":{"type":"integer"},"minItems":0,"maxItems":0}""", "[]", true },
        { """{"type":"array","items":{"type":"integer"},"minItems":0,"maxItems":0}""", "[1]", false },
        { """{"type":"string","format":"date"}""", "\"2024-02-29\"", false },         // safe subset: no 29 February
        { """{"type":"string","format":"date"}""", "\"2024-12-31\"", true },
        { """{"type":"string","format":"uuid"}""", "\"123e4567-e89b-12d3-a456-426614174000\"", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Text_AcceptedExactlyWhenExpected(string schema, string text, bool expected)
    {
        var grammar = ByteMatcher.Compile(Grammar.Json(JsonDocument.Parse(schema).RootElement));
        Assert.Equal(expected, ByteMatcher.Matches(grammar, text));
    }

    [Fact]
    public void DeepNesting_AnyObjectAndRecursiveSchema()
    {
        var anyObject = ByteMatcher.Compile(Grammar.JsonObject);
        string nested = string.Concat(Enumerable.Repeat("{\"a\":[", 60)) + "1" + string.Concat(Enumerable.Repeat("]}", 60));
        Assert.True(ByteMatcher.Matches(anyObject, nested));
        Assert.False(ByteMatcher.Matches(anyObject, nested[..^1]));

        var tree = ByteMatcher.Compile(Grammar.Json(JsonDocument.Parse(StructuredOutputCases.Schemas["refs-recursive"]).RootElement));
        string Node(int depth) => depth == 0 ? "{\"name\":\"leaf\"}" : $"{{\"name\":\"n{depth}\",\"children\":[{Node(depth - 1)},{Node(0)}]}}";
        Assert.True(ByteMatcher.Matches(tree, Node(25)));
        Assert.False(ByteMatcher.Matches(tree, Node(3).Replace("\"leaf\"", "\"a leaf too long\"")));   // maxLength 10 deep inside
    }

    [Fact]
    public void JsonObject_IsAnObjectNotAnyValue()
    {
        var anyObject = ByteMatcher.Compile(Grammar.JsonObject);
        Assert.False(ByteMatcher.Matches(anyObject, "[1]"));
        Assert.False(ByteMatcher.Matches(anyObject, "\"x\""));
        Assert.True(ByteMatcher.Matches(anyObject, "{\"x\":[1,{\"y\":null}]}"));
    }
}
