using System.Text.Json.Nodes;

namespace InferenceService.Tests.Api;

/// <summary>
/// The acceptance run for one structured-output case: 50 samples at temperature 1 with random seeds, sent at once,
/// alternating chat and text completions, streamed and not, and the request fields that ask for the same thing
/// (response_format, guided_*, structured_outputs). Every sample must end with finish_reason "stop" and pass the check.
/// </summary>
public static class StructuredOutputSamples
{
    public const int Count = 50;

    /// <summary>A structured-output case: its name, the request fields for chat and for completions (sample index
    /// given), and the independent check of a text (null when valid, else why not).</summary>
    public sealed record Case(string Name, Func<int, bool, JsonObject> Fields, Func<string, string?> Check);

    public static IEnumerable<Case> All()
    {
        foreach (var (name, schema) in StructuredOutputCases.Schemas)
            yield return new(name, (i, chat) => JsonSchemaFields(schema, i, chat), text => StructuredOutputCases.JsonErrors(schema, text));
        yield return new("json_object", (i, chat) => i % 4 < 2
                ? new JsonObject { ["response_format"] = new JsonObject { ["type"] = "json_object" } }
                : new JsonObject { ["structured_outputs"] = new JsonObject { ["json_object"] = true } },
            text => StructuredOutputCases.JsonErrors(StructuredOutputCases.AnyObjectSchema, text));
        foreach (var pattern in StructuredOutputCases.Regexes)
            yield return new("regex " + pattern, (i, _) => i % 4 < 2
                    ? new JsonObject { ["guided_regex"] = pattern }
                    : new JsonObject { ["structured_outputs"] = new JsonObject { ["regex"] = pattern } },
                text => StructuredOutputCases.FullMatch(pattern, text) ? null : "no full match");
        yield return new("choice", (i, _) => i % 4 < 2
                ? new JsonObject { ["guided_choice"] = Array(StructuredOutputCases.Choices) }
                : new JsonObject { ["structured_outputs"] = new JsonObject { ["choice"] = Array(StructuredOutputCases.Choices) } },
            text => StructuredOutputCases.Choices.Contains(text) ? null : "not one of the choices");
    }

    private static JsonObject JsonSchemaFields(string schema, int i, bool chat) => (i % 4, chat) switch
    {
        (< 2, true) => new JsonObject
        {
            ["response_format"] = new JsonObject
            {
                ["type"] = "json_schema",
                ["json_schema"] = new JsonObject { ["name"] = "answer", ["schema"] = JsonNode.Parse(schema), ["strict"] = true },
            },
        },
        (< 2, false) => new JsonObject { ["guided_json"] = JsonNode.Parse(schema) },
        (2, _) => new JsonObject { ["guided_json"] = schema },   // the schema as a string, as vLLM also takes it
        _ => new JsonObject { ["structured_outputs"] = new JsonObject { ["json"] = JsonNode.Parse(schema) } },
    };

    /// <summary>Runs the case's samples against <paramref name="http"/> and returns the failures (empty when all pass).</summary>
    public static async Task<List<string>> RunAsync(HttpClient http, Case test, string? model, int maxTokens, int seed)
    {
        var random = new Random(seed);
        var runs = Enumerable.Range(0, Count).Select(i =>
        {
            bool chat = i % 2 == 0, stream = i / 2 % 2 == 0;
            var body = test.Fields(i, chat);
            body["model"] = model;
            body["temperature"] = 1.0;
            body["seed"] = random.Next();
            body["max_tokens"] = maxTokens;
            body["stream"] = stream;
            if (chat) body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Once upon a time" });
            else body["prompt"] = "Once upon a time";
            return GenerationClient.GenerateAsync(http, chat ? "v1/chat/completions" : "v1/completions", body);
        }).ToList();
        var failures = new List<string>();
        foreach (var (run, i) in runs.Select((r, i) => (r, i)))
        {
            var result = await run;
            string? problem = result.Status != 200 ? $"status {result.Status}: {result.Raw}"
                : result.FinishReason != "stop" ? $"finish_reason {result.FinishReason}"
                : test.Check(result.Text);
            if (problem is not null) failures.Add($"{test.Name} sample {i} ({(i % 2 == 0 ? "chat" : "completions")}, {(i / 2 % 2 == 0 ? "streamed" : "whole")}): {problem}\n{result.Text}");
        }
        return failures;
    }

    private static JsonArray Array(IEnumerable<string> items) => new([.. items.Select(s => (JsonNode)s)]);
}
