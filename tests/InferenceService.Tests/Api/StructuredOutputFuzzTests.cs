using System.Text;
using System.Text.Json.Nodes;

namespace InferenceService.Tests.Api;

/// <summary>Random structured-output fields (schemas built from supported and unsupported keywords with values of
/// random types, regexes from a soup of metacharacters, choices, malformed wrappers) never get a 5xx, and the
/// server stays healthy.</summary>
[Collection(InferenceServerCollection.Name)]
public sealed class StructuredOutputFuzzTests(InferenceServerFixture server)
{
    private static readonly string[] Keywords =
    [
        "type", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "maxItems", "enum", "const",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "format", "anyOf", "oneOf",
        "allOf", "$ref", "$defs", "title", "description", "multipleOf", "not", "nullable", "uniqueItems", "if",
    ];

    private static readonly string[] Types = ["string", "integer", "number", "boolean", "null", "object", "array", "str"];
    private static readonly string[] Formats = ["date", "date-time", "time", "uuid", "email", "ipv4", "hostname", "uri"];
    private static readonly string[] RegexPieces = ["a", "b", "\\d", "\\w", "\\s", "\\D", ".", "[a-c]", "[^x]", "(", ")", "|", "*", "+", "?", "{2}", "{1,3}", "{", "}", "^", "$", "\\", "😀", "é", "\"", "(?:", "(?=", "\\1", "[", "]", "-"];

    [Fact]
    public async Task RandomStructuredOutputFields_NeverGet5xx_AndServerStaysHealthy()
    {
        var random = new Random(20261207);
        var failures = new List<string>();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<int>();
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, 600).Select(async i =>
        {
            var (path, body) = Request(random, i);
            await gate.WaitAsync();
            try
            {
                using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
                var text = await response.Content.ReadAsStringAsync();
                statuses.Add((int)response.StatusCode);
                // A stream that started and then failed ends with an error event instead of a status.
                if ((int)response.StatusCode >= 500 || text.Contains("data: {\"error\"", StringComparison.Ordinal))
                    lock (failures) failures.Add($"{(int)response.StatusCode} {path} {body} -> {text}");
            }
            finally
            {
                gate.Release();
            }
        }));
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        // The fuzz reaches both sides: requests that generate and requests refused.
        Assert.True(statuses.Count(s => s == 200) > 50 && statuses.Count(s => s == 400) > 50, $"200: {statuses.Count(s => s == 200)}, 400: {statuses.Count(s => s == 400)}");
        Assert.Equal(200, (int)(await server.Http.GetAsync("health")).StatusCode);
    }

    private static (string Path, string Body) Request(Random random, int i)
    {
        bool chat = i % 2 == 0;
        var body = new JsonObject { ["max_tokens"] = 12, ["temperature"] = 1.0, ["seed"] = i, ["stream"] = i % 5 == 0 };
        if (chat) body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Once upon a time" });
        else body["prompt"] = "Once upon a time";
        JsonNode? schema = Schema(random, 3);
        switch (random.Next(9))
        {
            case 0: body["response_format"] = new JsonObject { ["type"] = "json_schema", ["json_schema"] = new JsonObject { ["name"] = "x", ["schema"] = schema } }; break;
            case 1: body["guided_json"] = schema; break;
            case 2: body["guided_json"] = schema?.ToJsonString(); break;
            case 3: body["guided_regex"] = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => RegexPieces[random.Next(RegexPieces.Length)])); break;
            case 4: body["guided_choice"] = new JsonArray([.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(random, 0))]); break;
            case 5: body["structured_outputs"] = new JsonObject { [random.Next(2) == 0 ? "json" : "regex"] = random.Next(2) == 0 ? schema : Value(random, 1) }; break;
            case 6: body["response_format"] = new JsonObject { ["type"] = Value(random, 0), ["json_schema"] = Value(random, 1) }; break;
            case 7: body["response_format"] = Value(random, 2); break;
            default:
                body["guided_json"] = schema;
                body[random.Next(2) == 0 ? "guided_regex" : "ignore_eos"] = Value(random, 0);
                break;
        }
        return (chat ? "v1/chat/completions" : "v1/completions", body.ToJsonString());
    }

    /// <summary>A random schema: mostly sensible keywords with sensible values, sometimes nonsense.</summary>
    private static JsonNode? Schema(Random random, int depth)
    {
        if (depth == 0 || random.Next(6) == 0) return random.Next(4) == 0 ? Value(random, 1) : new JsonObject { ["type"] = Types[random.Next(Types.Length)] };
        var schema = new JsonObject();
        for (int k = random.Next(1, 5); k > 0; k--)
        {
            string keyword = Keywords[random.Next(Keywords.Length)];
            schema[keyword] = keyword switch
            {
                "type" => random.Next(3) == 0 ? new JsonArray((JsonNode)Types[random.Next(Types.Length)], Types[random.Next(Types.Length)]) : Types[random.Next(Types.Length)],
                "properties" or "$defs" => new JsonObject { ["a"] = Schema(random, depth - 1), ["b"] = Schema(random, depth - 1) },
                "required" => new JsonArray("a", random.Next(2) == 0 ? "b" : "c"),
                "items" or "additionalProperties" or "not" or "if" => Schema(random, depth - 1),
                "prefixItems" or "anyOf" or "oneOf" or "allOf" => new JsonArray(Schema(random, depth - 1), Schema(random, depth - 1)),
                "enum" => new JsonArray(Value(random, 1), Value(random, 1)),
                "const" => Value(random, 1),
                "$ref" => random.Next(3) switch { 0 => "#", 1 => "#/$defs/a", _ => "#/nowhere" },
                "pattern" => string.Concat(Enumerable.Range(0, random.Next(1, 6)).Select(_ => RegexPieces[random.Next(RegexPieces.Length)])),
                "format" => Formats[random.Next(Formats.Length)],
                "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" => random.Next(4) == 0 ? Value(random, 0) : Math.Round((random.NextDouble() - 0.5) * 200, random.Next(3)),
                _ => random.Next(4) == 0 ? Value(random, 0) : random.Next(-1, 6),
            };
        }
        return schema;
    }

    private static JsonNode? Value(Random random, int depth) => random.Next(depth > 0 ? 9 : 7) switch
    {
        0 => null,
        1 => random.Next(2) == 0,
        2 => random.Next(-5, 5),
        3 => random.NextDouble() * 1e6,
        4 => "text",
        5 => "",
        6 => "😀\"\\",
        7 => new JsonArray(Value(random, depth - 1)),
        _ => new JsonObject { ["k"] = Value(random, depth - 1) },
    };
}
