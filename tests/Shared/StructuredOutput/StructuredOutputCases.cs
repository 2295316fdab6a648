using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Tests.Shared;

/// <summary>
/// The structured-output cases every test project checks (engine with random logits, the server with real models),
/// and the independent checks of an output: JsonSchema.Net (formats asserted) for JSON, .NET's Regex for regexes.
/// </summary>
public static class StructuredOutputCases
{
    /// <summary>Name → schema: nested objects, required fields, enums, arrays with bounds, bounded integers and
    /// numbers, patterns and formats, anyOf, recursive $ref/$defs, optional and nullable fields, allOf/oneOf,
    /// additionalProperties with a schema, prefixItems.</summary>
    public static readonly IReadOnlyDictionary<string, string> Schemas = new Dictionary<string, string>
    {
        ["nested-required"] = """
            {"type":"object","properties":{"name":{"type":"string","maxLength":20},
             "address":{"type":"object","properties":{"street":{"type":"string","maxLength":30},"city":{"type":"string","minLength":2,"maxLength":20},
               "zip":{"type":"string","pattern":"^[0-9]{5}$"}},"required":["street","city"],"additionalProperties":false}},
             "required":["name","address"],"additionalProperties":false}
            """,
        ["enums"] = """
            {"type":"object","properties":{"color":{"enum":["red","green","blue"]},"size":{"type":"string","enum":["S","M","L","XL"]},
             "rating":{"enum":[1,2.5,null,true,{"a":[1]}]}},"required":["color","size","rating"],"additionalProperties":false}
            """,
        ["arrays"] = """
            {"type":"object","properties":{"tags":{"type":"array","items":{"type":"string","minLength":1,"maxLength":12},"minItems":2,"maxItems":5},
             "matrix":{"type":"array","items":{"type":"array","items":{"type":"integer"},"maxItems":3},"maxItems":3},
             "empty":{"type":"array","maxItems":0}},"required":["tags","matrix","empty"],"additionalProperties":false}
            """,
        ["number-bounds"] = """
            {"type":"object","properties":{"age":{"type":"integer","minimum":0,"maximum":120},"kelvin":{"type":"number","minimum":-273.15,"maximum":1e3},
             "ratio":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1},"count":{"type":"integer","exclusiveMinimum":-5,"maximum":-1},
             "big":{"type":"integer","minimum":1000000,"exclusiveMaximum":1000100},"any":{"type":"number"}},
             "required":["age","kelvin","ratio","count","big","any"],"additionalProperties":false}
            """,
        ["patterns-formats"] = """
            {"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]{3}-[0-9]{2,4}$"},"phone":{"type":"string","pattern":"^\\+?[0-9]{7,12}$"},
             "loose":{"type":"string","pattern":"ab+c","maxLength":16},
             "id":{"type":"string","format":"uuid"},"day":{"type":"string","format":"date"},"when":{"type":"string","format":"date-time"},
             "mail":{"type":"string","format":"email"},"ip":{"type":"string","format":"ipv4"}},
             "required":["code","phone","loose","id","day","when","mail","ip"],"additionalProperties":false}
            """,
        ["any-of"] = """
            {"type":"object","properties":{"value":{"anyOf":[{"type":"integer","minimum":10},{"type":"string","maxLength":8},{"type":"null"}]},
             "shape":{"anyOf":[{"type":"object","properties":{"kind":{"const":"circle"},"radius":{"type":"number","minimum":0}},"required":["kind","radius"],"additionalProperties":false},
                               {"type":"object","properties":{"kind":{"const":"square"},"side":{"type":"integer","minimum":1}},"required":["kind","side"],"additionalProperties":false}]}},
             "required":["value","shape"],"additionalProperties":false}
            """,
        ["refs-recursive"] = """
            {"$defs":{"node":{"type":"object","properties":{"name":{"$ref":"#/$defs/label"},"children":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":2}},
                              "required":["name"],"additionalProperties":false},
                      "label":{"type":"string","minLength":1,"maxLength":10}},
             "$ref":"#/$defs/node"}
            """,
        ["optional-nullable"] = """
            {"type":"object","properties":{"a":{"type":["string","null"]},"b":{"type":"boolean"},"c":{"type":"integer"},"d":{"type":"array","items":{"type":"number"}}},
             "required":["b"],"additionalProperties":false}
            """,
        ["all-of-one-of"] = """
            {"allOf":[{"type":"object","properties":{"id":{"type":"integer","minimum":1}},"required":["id"]},
                      {"properties":{"kind":{"oneOf":[{"type":"string","enum":["a","b"]},{"type":"integer","maximum":9}]}},"required":["kind"]}]}
            """,
        ["additional-schema"] = """
            {"type":"object","properties":{"title":{"type":"string","maxLength":20}},"required":["title"],"additionalProperties":{"type":"integer"}}
            """,
        ["prefix-items"] = """
            {"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":{"type":"boolean"},"minItems":2,"maxItems":4}
            """,
    };

    /// <summary>response_format json_object: any object.</summary>
    public const string AnyObjectSchema = """{"type":"object"}""";

    /// <summary>guided_regex cases (full match).</summary>
    public static readonly string[] Regexes =
    [
        "(yes|no), because [a-z ]{5,40}\\.",
        "[A-Z][a-z]{2,10} [0-9]{1,3}",
        "\\d{3}-\\d{4}",
        "[^\"\\n]{3,20}!",
        "(ab|cd)*x?",
    ];

    /// <summary>guided_choice options.</summary>
    public static readonly string[] Choices = ["sunny", "rainy", "cloudy with a chance of meatballs", "😀 happy", "rain"];

    private static readonly EvaluationOptions Strict = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    /// <summary>Null when <paramref name="text"/> is JSON valid under <paramref name="schema"/>, else why not.</summary>
    public static string? JsonErrors(string schema, string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException error)
        {
            return "not JSON: " + error.Message;
        }
        using (document)
        {
            var result = JsonSchema.FromText(schema).Evaluate(document.RootElement, Strict);
            if (result.IsValid) return null;
            return string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null)
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
        }
    }

    /// <summary>Whether .NET's Regex matches the whole text.</summary>
    public static bool FullMatch(string pattern, string text) => Regex.IsMatch(text, $"^(?:{pattern})\\z");
}
