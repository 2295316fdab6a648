using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace Gateway.Tests;

/// <summary>
/// The official OpenAI .NET SDK through the gateway to a real tool-calling replica: tools with tool_choice "auto"
/// (stories260K writes no call, so it answers in content), streamed equal to non-streamed; a conversation carrying the
/// assistant's call and the tool's result renders through the template and continues; "required" and named choices are
/// refused with a 400 naming tool_choice until their constraint exists; embeddings, with their prompt tokens metered.
/// </summary>
public sealed class ToolCallingAndEmbeddingsTests(ToolReplicaCluster cluster) : IClassFixture<ToolReplicaCluster>
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "The weather in a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private OpenAIClientOptions Options(PipelinePolicy? policy = null)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(cluster.Gateway.BaseAddress, "v1"), NetworkTimeout = TimeSpan.FromSeconds(60) };
        if (policy is not null) options.AddPolicy(policy, PipelinePosition.PerCall);
        return options;
    }

    private ChatClient Chat(PipelinePolicy? policy = null) => new(ToolReplicaCluster.Model, new ApiKeyCredential(cluster.Key.Secret), Options(policy));

    private static ChatCompletionOptions WithWeather(ChatToolChoice choice) => new()
    {
        Tools = { Weather }, ToolChoice = choice, Temperature = 0, MaxOutputTokenCount = 24,
    };

    [Fact]
    public async Task ToolsUnderAuto_AModelThatCallsNone_AnswersInContent_StreamedEqualToNonStreamed()
    {
        List<ChatMessage> messages = [new UserChatMessage("Once upon a time")];
        ChatCompletion whole = await Chat().CompleteChatAsync(messages, WithWeather(ChatToolChoice.CreateAutoChoice()));
        Assert.Empty(whole.ToolCalls);
        Assert.Equal(ChatFinishReason.Length, whole.FinishReason);
        Assert.False(string.IsNullOrEmpty(whole.Content[0].Text));

        var content = new StringBuilder();
        var calls = 0;
        ChatFinishReason? finish = null;
        await foreach (var update in Chat().CompleteChatStreamingAsync(messages, WithWeather(ChatToolChoice.CreateAutoChoice())))
        {
            foreach (var part in update.ContentUpdate) content.Append(part.Text);
            calls += update.ToolCallUpdates.Count;
            finish ??= update.FinishReason;
        }
        Assert.Equal(whole.Content[0].Text, content.ToString());
        Assert.Equal(0, calls);
        Assert.Equal(whole.FinishReason, finish);
    }

    [Fact]
    public async Task TheToolResult_RendersThroughTheTemplate_AndTheConversationContinues()
    {
        var sent = new RequestRecorder();
        List<ChatMessage> messages =
        [
            new UserChatMessage("Lily asked about the weather in Paris."),
            new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall("call_1", "get_weather", BinaryData.FromString("""{"city": "Paris"}"""))]),
            new ToolChatMessage("call_1", "sunny"),
        ];
        ChatCompletion answer = await Chat(sent).CompleteChatAsync(messages, WithWeather(ChatToolChoice.CreateAutoChoice()));
        Assert.False(string.IsNullOrEmpty(answer.Content[0].Text));

        // What the SDK sent, rendered by the replica's template (through the gateway's /tokenize and /detokenize).
        var body = JsonNode.Parse(sent.LastBody!)!.AsObject();
        var tokens = await PostAsync("tokenize", new JsonObject { ["model"] = ToolReplicaCluster.Model, ["messages"] = body["messages"]!.DeepClone(), ["tools"] = body["tools"]!.DeepClone() });
        var prompt = await PostAsync("detokenize", new JsonObject { ["model"] = ToolReplicaCluster.Model, ["tokens"] = tokens["tokens"]!.DeepClone() });
        Assert.EndsWith("Tools: get_weather. Lily asked about the weather in Paris.<tool_call>get_weather(Paris)</tool_call> Result of call_1: sunny.",
            prompt["prompt"]!.GetValue<string>());
        Assert.Equal(tokens["count"]!.GetValue<int>(), answer.Usage.InputTokenCount);
    }

    [Fact]
    public async Task RequiredAndNamedToolChoice_AreRefusedWithA400NamingToolChoice_UntilTheirConstraintExists()
    {
        foreach (var choice in new[] { ChatToolChoice.CreateRequiredChoice(), ChatToolChoice.CreateFunctionChoice("get_weather") })
        {
            var refused = await Assert.ThrowsAsync<ClientResultException>(() => Chat().CompleteChatAsync([new UserChatMessage("Hi")], WithWeather(choice)));
            Assert.Equal(400, refused.Status);
            using var error = JsonDocument.Parse(refused.GetRawResponse()!.Content.ToString());
            Assert.Equal("tool_choice", error.RootElement.GetProperty("error").GetProperty("param").GetString());
            Assert.Contains("not supported yet", error.RootElement.GetProperty("error").GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Embeddings_ThroughTheGateway_EqualTheReplicasOwn_AndTheirPromptTokensAreMetered()
    {
        var key = await cluster.Gateway.CreateKeyAsync("embeddings-meter");
        var client = new EmbeddingClient(ToolReplicaCluster.Model, new ApiKeyCredential(key.Secret), Options());
        OpenAIEmbedding embedding = await client.GenerateEmbeddingAsync("Once upon a time, there was a little girl named Lily.");
        var vector = embedding.ToFloats().ToArray();
        Assert.Equal(64, vector.Length);   // stories260K's hidden size
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 5);

        using var direct = await cluster.Replica.Http.PostAsJsonAsync("v1/embeddings", new { input = "Once upon a time, there was a little girl named Lily." });
        var own = JsonDocument.Parse(await direct.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(own.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()), vector);

        long tokens = own.GetProperty("usage").GetProperty("prompt_tokens").GetInt64();
        Assert.Equal(tokens, await MeteredPromptTokensAsync("embeddings-meter", tokens));

        using var noKey = await cluster.Gateway.Http.PostAsJsonAsync("v1/embeddings", new { model = ToolReplicaCluster.Model, input = "a" });
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        using var unknownModel = await cluster.Gateway.Http.SendAsync(OpenAiRequests.Post("v1/embeddings", key.Secret, new { model = "text-embedding-3-small", input = "a" }));
        await OpenAiErrorAssert.IsErrorAsync(unknownModel, HttpStatusCode.NotFound, "invalid_request_error", "model_not_found");
    }

    [Theory]
    [InlineData("v1/embedding")]
    [InlineData("v1/chat/completion")]
    [InlineData("nothing/here")]
    public async Task AnUnknownPath_GetsAJson404InOpenAisShape(string path)
    {
        using var response = await cluster.Gateway.Http.SendAsync(OpenAiRequests.Post(path, cluster.Key.Secret, new { model = ToolReplicaCluster.Model, input = "a" }));
        await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "invalid_request_error", "unknown_path");
    }

    private async Task<JsonObject> PostAsync(string path, JsonObject body)
    {
        using var response = await cluster.Gateway.Http.SendAsync(OpenAiRequests.Post(path, cluster.Key.Secret, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The gateway's gateway_tokens_total for the key's prompt tokens, once it has reached <paramref name="expected"/>
    /// (the exporter caches a scrape briefly) or after 15 s.</summary>
    private async Task<long> MeteredPromptTokensAsync(string keyName, long expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        long value;
        do
        {
            var line = (await cluster.Gateway.MetricsAsync()).Split('\n')
                .FirstOrDefault(l => l.StartsWith("gateway_tokens_total{", StringComparison.Ordinal) && l.Contains($"key=\"{keyName}\"") && l.Contains("kind=\"prompt\""));
            value = line is null ? 0 : long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            if (value == expected) break;
            await Task.Delay(250);
        } while (DateTime.UtcNow < deadline);
        return value;
    }

    /// <summary>Keeps the body of the last request the SDK sent.</summary>
    private sealed class RequestRecorder : PipelinePolicy
    {
        public string? LastBody { get; private set; }

        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Record(message);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Record(message);
            await ProcessNextAsync(message, pipeline, currentIndex);
        }

        private void Record(PipelineMessage message)
        {
            using var buffer = new MemoryStream();
            message.Request.Content?.WriteTo(buffer);
            LastBody = Encoding.UTF8.GetString(buffer.ToArray());
        }
    }
}
