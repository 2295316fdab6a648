using System.ClientModel;
using System.ClientModel.Primitives;
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
/// assistant's call and the tool's result renders through the template and continues; "required" and a named function
/// give calls whose arguments validate under the tool's schema (JsonSchema.Net), streamed equal to non-streamed, and their
/// results sent back render and the conversation continues; embeddings, with their prompt tokens metered.
/// </summary>
public sealed class ToolCallingAndEmbeddingsTests(ToolReplicaCluster cluster) : IClassFixture<ToolReplicaCluster>
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "The weather in a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private OpenAIClientOptions Options(PipelinePolicy? policy = null)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(cluster.Gateway.BaseAddress, "v1"), NetworkTimeout = TimeSpan.FromSeconds(180) };
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

    private static ChatCompletionOptions Forced(ChatToolChoice choice, long seed)
    {
#pragma warning disable OPENAI001   // the SDK marks Seed experimental; sampling at temperature 1 must be reproducible here
        var options = new ChatCompletionOptions { ToolChoice = choice, Temperature = 1, Seed = seed, MaxOutputTokenCount = 120 };
#pragma warning restore OPENAI001
        foreach (var (name, parameters) in ForcedToolCalls.Parameters)
            options.Tools.Add(ChatTool.CreateFunctionTool(name, $"The {name} tool", parameters is null ? null : BinaryData.FromString(parameters)));
        return options;
    }

    [Fact]
    public async Task RequiredAndNamedToolChoice_GiveCallsWithValidArguments_StreamedEqualToWhole_AndTheConversationContinues()
    {
        var sent = new RequestRecorder();
        foreach (var (choice, finish) in new[] { (ChatToolChoice.CreateRequiredChoice(), ChatFinishReason.ToolCalls), (ChatToolChoice.CreateFunctionChoice("get_weather"), ChatFinishReason.Stop) })
            for (long seed = 0; seed < 2; seed++)
            {
                List<ChatMessage> messages = [new UserChatMessage("Lily asked about the weather in Paris.")];
                ChatCompletion whole = await Chat().CompleteChatAsync(messages, Forced(choice, seed));
                Assert.Equal(finish, whole.FinishReason);
                Assert.NotEmpty(whole.ToolCalls);
                foreach (var call in whole.ToolCalls)
                    Assert.True(ForcedToolCalls.CallErrors(call.FunctionName, call.FunctionArguments.ToString()) is null,
                        $"{call.FunctionName} {call.FunctionArguments}: {ForcedToolCalls.CallErrors(call.FunctionName, call.FunctionArguments.ToString())}");
                if (finish == ChatFinishReason.Stop) Assert.Equal("get_weather", Assert.Single(whole.ToolCalls).FunctionName);

                // The same request streamed, the calls rebuilt from their deltas as the SDK's users do.
                var calls = new SortedDictionary<int, (string Name, StringBuilder Arguments)>();
                ChatFinishReason? streamedFinish = null;
                await foreach (var update in Chat().CompleteChatStreamingAsync(messages, Forced(choice, seed)))
                {
                    foreach (var part in update.ToolCallUpdates)
                    {
                        if (!calls.ContainsKey(part.Index)) calls[part.Index] = (part.FunctionName, new StringBuilder());
                        calls[part.Index].Arguments.Append(part.FunctionArgumentsUpdate?.ToString());
                    }
                    streamedFinish ??= update.FinishReason;
                }
                Assert.Equal(whole.ToolCalls.Select(c => (c.FunctionName, c.FunctionArguments.ToString())), calls.Values.Select(c => (c.Name, c.Arguments.ToString())));
                Assert.Equal(whole.FinishReason, streamedFinish);

                // The call and its result go back; the template renders them and the model answers.
                messages.Add(new AssistantChatMessage(whole));
                messages.AddRange(whole.ToolCalls.Select(c => new ToolChatMessage(c.Id, "sunny")));
                ChatCompletion answer = await Chat(sent).CompleteChatAsync(messages, new ChatCompletionOptions { Tools = { Weather }, ToolChoice = ChatToolChoice.CreateNoneChoice(), Temperature = 0, MaxOutputTokenCount = 12 });
                Assert.False(string.IsNullOrEmpty(answer.Content[0].Text));
                var body = JsonNode.Parse(sent.LastBody!)!.AsObject();
                var tokens = await PostAsync("tokenize", new JsonObject { ["model"] = ToolReplicaCluster.Model, ["messages"] = body["messages"]!.DeepClone(), ["tools"] = body["tools"]!.DeepClone() });
                var prompt = (await PostAsync("detokenize", new JsonObject { ["model"] = ToolReplicaCluster.Model, ["tokens"] = tokens["tokens"]!.DeepClone() }))["prompt"]!.GetValue<string>();
                foreach (var call in whole.ToolCalls)
                {
                    // The template shows arguments.city, read from the arguments the server parsed into an object.
                    string city = JsonDocument.Parse(call.FunctionArguments).RootElement.TryGetProperty("city", out var c) ? c.GetString()! : "";
                    Assert.Contains($"<tool_call>{call.FunctionName}({city})</tool_call>", prompt);
                }
                Assert.EndsWith($" Result of {whole.ToolCalls[^1].Id}: sunny.", prompt);
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
        Assert.Equal(tokens, await cluster.Gateway.MeteredTokensAsync("embeddings-meter", "prompt", tokens));

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
