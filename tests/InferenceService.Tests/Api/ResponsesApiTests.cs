using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceService.Tests.Api;

/// <summary>
/// POST /v1/responses on a real tool-calling server (stories260K, hermes under "auto"): the response object and every
/// streamed event follow OpenAI's schemas (openapi.json, JsonSchema.Net), the events come in the Responses order with
/// sequence numbers 0, 1, 2, …, the streamed text equals the whole response's, usage counts what the template rendered;
/// a function call and its output sent back render through the template like chat's; a forced tool_choice ("required" or a
/// named function) gives function_call items whose arguments validate under their tool's schema, and text.format
/// json_schema / json_object an output valid under the schema (JsonSchema.Net); bad requests are 400s naming the field.
/// </summary>
public sealed class ResponsesApiTests(ToolServerFixture fixture) : IClassFixture<ToolServerFixture>
{
    private const string Weather = """{"type":"function","name":"get_weather","description":"The weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":false}""";

    private async Task<(HttpStatusCode Status, string Text)> PostAsync(string path, JsonObject body)
    {
        using var response = await fixture.Server.Http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> OkAsync(string path, JsonObject body)
    {
        var (status, text) = await PostAsync(path, body);
        Assert.True(status == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static JsonObject Request(bool stream) => new()
    {
        ["model"] = InferenceServerFixture.ModelName, ["instructions"] = "Tell a story.", ["input"] = "Once upon a time",
        ["max_output_tokens"] = 16, ["temperature"] = 0, ["tools"] = new JsonArray(JsonNode.Parse(Weather)), ["stream"] = stream,
        ["metadata"] = new JsonObject { ["run"] = "test" },
    };

    [Fact]
    public async Task TextStreamedAndWhole_FollowOpenAisSchemas_AndAgree()
    {
        var whole = await OkAsync("v1/responses", Request(stream: false));
        OpenAiSchema.AssertValid("Response", whole);
        Assert.Equal("incomplete", whole.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", whole.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal("test", whole.GetProperty("metadata").GetProperty("run").GetString());
        Assert.Equal("get_weather", whole.GetProperty("tools")[0].GetProperty("name").GetString());
        var message = Assert.Single(whole.GetProperty("output").EnumerateArray());
        string text = message.GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.False(string.IsNullOrEmpty(text));

        var usage = whole.GetProperty("usage");
        var tokens = await OkAsync("tokenize", new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = "Tell a story." }, new JsonObject { ["role"] = "user", ["content"] = "Once upon a time" }),
            ["tools"] = new JsonArray(JsonNode.Parse("""{"type":"function","function":{"name":"get_weather"}}""")),
        });
        Assert.Equal(tokens.GetProperty("count").GetInt32(), usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(16, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("input_tokens").GetInt32() + 16, usage.GetProperty("total_tokens").GetInt32());

        using var streamed = await fixture.Server.Http.PostAsync("v1/responses", new StringContent(Request(stream: true).ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.StartsWith("text/event-stream", streamed.Content.Headers.ContentType!.ToString());
        var events = ParseEvents(await streamed.Content.ReadAsStringAsync());
        foreach (var e in events) OpenAiSchema.AssertValid("ResponseStreamEvent", e);
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.GetProperty("sequence_number").GetInt32()));
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"], types.Take(4));
        Assert.Equal(["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.incomplete"], types.TakeLast(4));
        Assert.All(types.Skip(4).SkipLast(4), type => Assert.Equal("response.output_text.delta", type));
        Assert.Equal(text, string.Concat(events.Where(e => e.GetProperty("type").GetString() == "response.output_text.delta").Select(e => e.GetProperty("delta").GetString())));

        var final = events[^1].GetProperty("response");
        Assert.Equal(text, final.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
        var streamedUsage = final.GetProperty("usage");
        foreach (var count in new[] { "input_tokens", "output_tokens", "total_tokens" })
            Assert.Equal(usage.GetProperty(count).GetInt32(), streamedUsage.GetProperty(count).GetInt32());
        // The same prompt again: its full blocks come from the prefix cache.
        Assert.True(streamedUsage.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32() > 0, streamedUsage.GetRawText());
        Assert.False(events[0].GetProperty("response").TryGetProperty("usage", out _));
    }

    [Fact]
    public async Task AFunctionCallAndItsOutput_RenderThroughTheTemplateLikeChat_AndTheConversationContinues()
    {
        var input = JsonNode.Parse("""
            [{"role":"user","content":[{"type":"input_text","text":"Lily asked about the weather in Paris."}]},
             {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\": \"Paris\"}","id":"fc_1","status":"completed"},
             {"type":"function_call_output","call_id":"call_1","output":"sunny"}]
            """)!;
        var answer = await OkAsync("v1/responses", new JsonObject
        {
            ["input"] = input, ["tools"] = new JsonArray(JsonNode.Parse(Weather)), ["max_output_tokens"] = 12, ["temperature"] = 0,
        });
        OpenAiSchema.AssertValid("Response", answer);
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString()));

        // The same conversation as chat messages renders to the same prompt, which ends with the call and its result.
        var tokens = await OkAsync("tokenize", new JsonObject
        {
            ["messages"] = JsonNode.Parse("""
                [{"role":"user","content":"Lily asked about the weather in Paris."},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny"}]
                """),
            ["tools"] = new JsonArray(JsonNode.Parse("""{"type":"function","function":{"name":"get_weather"}}""")),
        });
        var prompt = await OkAsync("detokenize", new JsonObject { ["tokens"] = JsonNode.Parse(tokens.GetProperty("tokens").GetRawText()) });
        Assert.EndsWith("Tools: get_weather. Lily asked about the weather in Paris.<tool_call>get_weather(Paris)</tool_call> Result of call_1: sunny.",
            prompt.GetProperty("prompt").GetString());
        Assert.Equal(tokens.GetProperty("count").GetInt32(), answer.GetProperty("usage").GetProperty("input_tokens").GetInt32());
    }

    [Theory]
    [InlineData("required")]
    [InlineData("book_table")]
    public async Task AForcedToolChoice_GivesFunctionCallItems_WithValidArguments_StreamedAsWhole(string choice)
    {
        JsonNode toolChoice = choice == "required" ? "required" : new JsonObject { ["type"] = "function", ["name"] = choice };
        JsonObject Body(bool stream) => new()
        {
            ["input"] = "Lily asked about the weather in Paris.", ["tools"] = ForcedToolCalls.ResponseTools(), ["tool_choice"] = toolChoice.DeepClone(),
            ["temperature"] = 0, ["max_output_tokens"] = 200, ["stream"] = stream,
        };
        var whole = await OkAsync("v1/responses", Body(stream: false));
        OpenAiSchema.AssertValid("Response", whole);
        Assert.Equal("completed", whole.GetProperty("status").GetString());
        var calls = whole.GetProperty("output").EnumerateArray().ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, call => Assert.Equal("function_call", call.GetProperty("type").GetString()));
        if (choice != "required") Assert.Equal(choice, Assert.Single(calls).GetProperty("name").GetString());
        foreach (var call in calls)
        {
            string name = call.GetProperty("name").GetString()!, arguments = call.GetProperty("arguments").GetString()!;
            Assert.True(ForcedToolCalls.CallErrors(name, arguments) is null, $"{name} {arguments}: {ForcedToolCalls.CallErrors(name, arguments)}");
        }

        var events = await StreamAsync(Body(stream: true));
        Assert.Equal("response.completed", events[^1].GetProperty("type").GetString());
        var streamedCalls = events[^1].GetProperty("response").GetProperty("output").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString(), c.GetProperty("arguments").GetString())).ToList();
        Assert.Equal(calls.Select(c => (c.GetProperty("name").GetString(), c.GetProperty("arguments").GetString())), streamedCalls);
        Assert.Equal(string.Concat(streamedCalls.Select(c => c.Item2)), Deltas(events, "response.function_call_arguments.delta"));
    }

    [Theory]
    [InlineData("json_schema")]
    [InlineData("json_object")]
    public async Task TextFormat_GivesOutputValidUnderTheSchema_StreamedAsWhole_AndRepeatsTheFormat(string type)
    {
        string schema = type == "json_schema" ? StructuredOutputCases.Schemas["nested-required"] : StructuredOutputCases.AnyObjectSchema;
        var format = type == "json_schema"
            ? new JsonObject { ["type"] = type, ["name"] = "address_book", ["schema"] = JsonNode.Parse(schema), ["strict"] = true }
            : new JsonObject { ["type"] = type };
        JsonObject Body(bool stream) => new()
        {
            ["input"] = "Once upon a time", ["text"] = new JsonObject { ["format"] = format.DeepClone() }, ["temperature"] = 0,
            ["max_output_tokens"] = 400, ["stream"] = stream,
        };
        var whole = await OkAsync("v1/responses", Body(stream: false));
        OpenAiSchema.AssertValid("Response", whole);
        Assert.Equal("completed", whole.GetProperty("status").GetString());
        Assert.True(JsonNode.DeepEquals(format, JsonNode.Parse(whole.GetProperty("text").GetProperty("format").GetRawText())));
        string text = Assert.Single(whole.GetProperty("output").EnumerateArray()).GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.True(StructuredOutputCases.JsonErrors(schema, text) is null, $"{text}: {StructuredOutputCases.JsonErrors(schema, text)}");

        var events = await StreamAsync(Body(stream: true));
        Assert.Equal("response.completed", events[^1].GetProperty("type").GetString());
        Assert.Equal(text, Deltas(events, "response.output_text.delta"));
    }

    /// <summary>A streamed response's events, each checked against OpenAI's schema and numbered from 0.</summary>
    private async Task<List<JsonElement>> StreamAsync(JsonObject body)
    {
        using var streamed = await fixture.Server.Http.PostAsync("v1/responses", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await streamed.Content.ReadAsStringAsync();
        Assert.True(streamed.StatusCode == HttpStatusCode.OK, text);
        var events = ParseEvents(text);
        foreach (var e in events) OpenAiSchema.AssertValid("ResponseStreamEvent", e);
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.GetProperty("sequence_number").GetInt32()));
        return events;
    }

    private static string Deltas(List<JsonElement> events, string type) =>
        string.Concat(events.Where(e => e.GetProperty("type").GetString() == type).Select(e => e.GetProperty("delta").GetString()));

    [Theory]
    [MemberData(nameof(ResponsesBadRequests.All), MemberType = typeof(ResponsesBadRequests))]
    public async Task BadRequests_AreOpenAiErrorsNamingTheField(string body, string param)
    {
        using var response = await fixture.Server.Http.PostAsync("v1/responses", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, text);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(param == "model" ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>The events of a Responses stream, each checked to be named by its type.</summary>
    private static List<JsonElement> ParseEvents(string stream)
    {
        var events = new List<JsonElement>();
        foreach (var block in stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            var data = JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone();
            Assert.Equal(lines[0]["event: ".Length..], data.GetProperty("type").GetString());
            events.Add(data);
        }
        return events;
    }
}
