// The SDK marks its Responses client as evaluation-only (OPENAI001); it is the client these tests exist for.
#pragma warning disable OPENAI001
using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;
using OpenAI.Responses;

namespace Gateway.Tests;

/// <summary>
/// The official OpenAI .NET SDK's Responses client through the gateway to a real tool-calling replica: text, streamed
/// text equal to the whole response's, a function call and its output sent back (the conversation continues, its prompt
/// rendered as chat's), usage metered per key from input_tokens and output_tokens, and bad requests answered with
/// OpenAI's 400 naming the field; tool_choice "required" giving function calls valid under their tools' schemas (the
/// constraint makes even a small model call), whose outputs sent back get a text answer; text.format json_schema giving
/// output valid under the schema; each response valid under OpenAI's specification.
/// </summary>
public sealed class ResponsesApiTests(ToolReplicaCluster cluster) : IClassFixture<ToolReplicaCluster>
{
    private static readonly ResponseTool Weather = ResponseTool.CreateFunctionTool("get_weather",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""), strictModeEnabled: false, "The weather in a city");

    private ResponsesClient Client(string? secret = null) => new(new ApiKeyCredential(secret ?? cluster.Key.Secret),
        new ResponsesClientOptions { Endpoint = new Uri(cluster.Gateway.BaseAddress, "v1"), NetworkTimeout = TimeSpan.FromSeconds(60) });

    private static CreateResponseOptions Options(IEnumerable<ResponseItem> input, bool stream = false) => new(ToolReplicaCluster.Model, input)
    {
        Instructions = "Tell a story.", Tools = { Weather }, ToolChoice = ResponseToolChoice.CreateAutoChoice(), Temperature = 0,
        MaxOutputTokenCount = 24, StreamingEnabled = stream,
    };

    [Fact]
    public async Task Text_StreamedEqualToWhole_WithUsageMeteredFromInputAndOutputTokens()
    {
        var key = await cluster.Gateway.CreateKeyAsync("responses-meter");
        ResponseResult whole = await Client(key.Secret).CreateResponseAsync(Options([ResponseItem.CreateUserMessageItem("Once upon a time")]));
        string text = whole.GetOutputText();
        Assert.False(string.IsNullOrEmpty(text));
        Assert.Equal(ResponseStatus.Incomplete, whole.Status);
        Assert.Equal(24, whole.Usage.OutputTokenCount);
        Assert.Equal(await cluster.TokenCountAsync(new JsonObject
        {
            ["messages"] = JsonNode.Parse("""[{"role":"system","content":"Tell a story."},{"role":"user","content":"Once upon a time"}]"""),
            ["tools"] = JsonNode.Parse("""[{"type":"function","function":{"name":"get_weather"}}]"""),
        }), whole.Usage.InputTokenCount);
        Assert.Equal(whole.Usage.InputTokenCount, await cluster.Gateway.MeteredTokensAsync("responses-meter", "prompt", whole.Usage.InputTokenCount));
        Assert.Equal(24, await cluster.Gateway.MeteredTokensAsync("responses-meter", "completion", 24));

        var streamed = new StringBuilder();
        var sequence = new List<int>();
        ResponseResult? final = null;
        await foreach (var update in await Client().CreateResponseStreamingAsync(Options([ResponseItem.CreateUserMessageItem("Once upon a time")], stream: true)))
        {
            sequence.Add(update.SequenceNumber);
            if (update is StreamingResponseOutputTextDeltaUpdate delta) streamed.Append(delta.Delta);
            if (update is StreamingResponseIncompleteUpdate incomplete) final = incomplete.Response;
        }
        Assert.Equal(text, streamed.ToString());
        Assert.Equal(Enumerable.Range(0, sequence.Count), sequence);
        Assert.NotNull(final);
        Assert.Equal(text, final.GetOutputText());
        Assert.Equal(whole.Usage.InputTokenCount, final.Usage.InputTokenCount);
    }

    [Fact]
    public async Task AFunctionCallAndItsOutput_SentBack_ContinueTheConversation()
    {
        ResponseResult answer = await Client().CreateResponseAsync(Options(
        [
            ResponseItem.CreateUserMessageItem("Lily asked about the weather in Paris."),
            ResponseItem.CreateFunctionCallItem("call_1", "get_weather", BinaryData.FromString("""{"city": "Paris"}""")),
            ResponseItem.CreateFunctionCallOutputItem("call_1", "sunny"),
        ]));
        Assert.False(string.IsNullOrEmpty(answer.GetOutputText()));
        Assert.Equal(await cluster.TokenCountAsync(new JsonObject
        {
            ["messages"] = JsonNode.Parse("""
                [{"role":"system","content":"Tell a story."},{"role":"user","content":"Lily asked about the weather in Paris."},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny"}]
                """),
            ["tools"] = JsonNode.Parse("""[{"type":"function","function":{"name":"get_weather"}}]"""),
        }), answer.Usage.InputTokenCount);
    }

    [Fact]
    public async Task ToolChoiceRequired_GivesAFunctionCall_WhoseOutputSentBack_GetsATextAnswer()
    {
        var question = ResponseItem.CreateUserMessageItem("Lily asked about the weather in Paris.");
        var options = new CreateResponseOptions(ToolReplicaCluster.Model, [question])
        {
            ToolChoice = ResponseToolChoice.CreateRequiredChoice(), Temperature = 0, MaxOutputTokenCount = 200,
        };
        foreach (var tool in ForcedTools()) options.Tools.Add(tool);
        var result = await Client().CreateResponseAsync(options);
        AssertFollowsOpenAisSchema(result.GetRawResponse());
        ResponseResult forced = result;
        Assert.Equal(ResponseStatus.Completed, forced.Status);
        var calls = forced.OutputItems.OfType<FunctionCallResponseItem>().ToList();
        Assert.NotEmpty(calls);
        Assert.Equal(forced.OutputItems.Count, calls.Count);
        foreach (var call in calls)
        {
            string arguments = call.FunctionArguments.ToString();
            Assert.True(ForcedToolCalls.CallErrors(call.FunctionName, arguments) is null, $"{call.FunctionName} {arguments}: {ForcedToolCalls.CallErrors(call.FunctionName, arguments)}");
        }

        var followUp = new CreateResponseOptions(ToolReplicaCluster.Model,
            [question, .. calls, .. calls.Select(c => ResponseItem.CreateFunctionCallOutputItem(c.CallId, "sunny"))])
        {
            // "none": the strict tools are shown to the template, not called (strict is refused under "auto", where calls are not constrained).
            ToolChoice = ResponseToolChoice.CreateNoneChoice(), Temperature = 0, MaxOutputTokenCount = 12,
        };
        foreach (var tool in ForcedTools()) followUp.Tools.Add(tool);
        var answer = await Client().CreateResponseAsync(followUp);
        AssertFollowsOpenAisSchema(answer.GetRawResponse());
        Assert.False(string.IsNullOrEmpty(answer.Value.GetOutputText()));
        Assert.Empty(answer.Value.OutputItems.OfType<FunctionCallResponseItem>());
    }

    [Fact]
    public async Task JsonSchemaTextFormat_GivesOutputValidUnderTheSchema_StreamedEqualToWhole()
    {
        string schema = StructuredOutputCases.Schemas["nested-required"];
        CreateResponseOptions Structured(bool stream) => new(ToolReplicaCluster.Model, [ResponseItem.CreateUserMessageItem("Once upon a time")])
        {
            Temperature = 0, MaxOutputTokenCount = 400, StreamingEnabled = stream,
            TextOptions = new ResponseTextOptions { TextFormat = ResponseTextFormat.CreateJsonSchemaFormat("address_book", BinaryData.FromString(schema), jsonSchemaIsStrict: true) },
        };
        var result = await Client().CreateResponseAsync(Structured(stream: false));
        AssertFollowsOpenAisSchema(result.GetRawResponse());
        Assert.Equal(ResponseStatus.Completed, result.Value.Status);
        string text = result.Value.GetOutputText();
        Assert.True(StructuredOutputCases.JsonErrors(schema, text) is null, $"{text}: {StructuredOutputCases.JsonErrors(schema, text)}");

        var streamed = new StringBuilder();
        await foreach (var update in await Client().CreateResponseStreamingAsync(Structured(stream: true)))
            if (update is StreamingResponseOutputTextDeltaUpdate delta) streamed.Append(delta.Delta);
        Assert.Equal(text, streamed.ToString());
    }

    /// <summary>The tools of <see cref="ForcedToolCalls"/> (bounded strings and numbers: a forced call ends), strict.</summary>
    private static IEnumerable<ResponseTool> ForcedTools() => ForcedToolCalls.Parameters.Select(p => ResponseTool.CreateFunctionTool(p.Key,
        p.Value is null ? null : BinaryData.FromString(p.Value), strictModeEnabled: true, $"The {p.Key} tool"));

    private static void AssertFollowsOpenAisSchema(System.ClientModel.Primitives.PipelineResponse response)
    {
        using var body = JsonDocument.Parse(response.Content.ToString());
        OpenAiSchema.AssertValid("Response", body.RootElement);
    }

    [Theory]
    [MemberData(nameof(ResponsesBadRequests.All), MemberType = typeof(ResponsesBadRequests))]
    public async Task BadRequests_ThroughTheGateway_AreOpenAiErrorsNamingTheField(string body, string param)
    {
        var request = JsonNode.Parse(body)!.AsObject();
        request["model"] ??= ToolReplicaCluster.Model;
        using var response = await cluster.Gateway.Http.SendAsync(OpenAiRequests.Post("v1/responses", cluster.Key.Secret, request));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == (param == "model" ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest), text);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }
}
