using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceService.Tests.Api;

/// <summary>
/// Tool calling end to end on a real server with the hermes parser: tools reach the template, a conversation with the
/// assistant's calls and the tools' results renders (arguments as objects) and continues, streamed and non-streamed
/// answers are equal, and a model that writes no call (stories260K never does) answers in content with its own
/// finish reason. (Calls the model writes are parsed in Parsing/*; calls forced by tool_choice are in ForcedToolCallTests.)
/// </summary>
public sealed class ToolCallingTests(ToolServerFixture fixture) : IClassFixture<ToolServerFixture>
{
    private static readonly JsonArray Tools =
    [
        new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = "get_weather",
                ["description"] = "The weather in a city",
                ["parameters"] = JsonNode.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""),
            },
        },
    ];

    private static JsonArray Conversation() =>
    [
        new JsonObject { ["role"] = "user", ["content"] = "Lily asked about the weather in Paris." },
        new JsonObject
        {
            ["role"] = "assistant", ["content"] = null,
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = "call_1", ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = """{"city": "Paris"}""" },
            }),
        },
        new JsonObject { ["role"] = "tool", ["tool_call_id"] = "call_1", ["content"] = "sunny" },
    ];

    private async Task<JsonElement> PostAsync(string path, JsonObject body)
    {
        using var response = await fixture.Server.Http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task TheToolResult_RendersThroughTheTemplate_AndTheConversationContinues()
    {
        var tokens = await PostAsync("tokenize", new JsonObject { ["messages"] = Conversation(), ["tools"] = Tools.DeepClone() });
        var prompt = await PostAsync("detokenize", new JsonObject { ["tokens"] = JsonNode.Parse(tokens.GetProperty("tokens").GetRawText()) });
        Assert.EndsWith("Tools: get_weather. Lily asked about the weather in Paris.<tool_call>get_weather(Paris)</tool_call> Result of call_1: sunny.",
            prompt.GetProperty("prompt").GetString());

        var answer = await PostAsync("v1/chat/completions", new JsonObject
        {
            ["messages"] = Conversation(), ["tools"] = Tools.DeepClone(), ["max_tokens"] = 12, ["temperature"] = 0,
        });
        var choice = answer.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.False(string.IsNullOrEmpty(choice.GetProperty("message").GetProperty("content").GetString()));
        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out _));
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("message").GetProperty("reasoning_content").ValueKind);
        Assert.Equal(tokens.GetProperty("count").GetInt32(), answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("none")]
    public async Task StreamedAndNonStreamedAnswers_AreEqual(string toolChoice)
    {
        JsonObject Body(bool stream) => new()
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Once upon a time" }),
            ["tools"] = Tools.DeepClone(), ["tool_choice"] = toolChoice, ["parallel_tool_calls"] = false,
            ["max_tokens"] = 40, ["temperature"] = 0, ["stream"] = stream,
        };
        var whole = (await PostAsync("v1/chat/completions", Body(false))).GetProperty("choices")[0];

        using var response = await fixture.Server.Http.PostAsync("v1/chat/completions", new StringContent(Body(true).ToJsonString(), Encoding.UTF8, "application/json"));
        var content = new StringBuilder();
        string? finish = null;
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
            var choice = JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("choices")[0];
            var delta = choice.GetProperty("delta");
            Assert.False(delta.TryGetProperty("tool_calls", out _));
            if (delta.TryGetProperty("content", out var text)) content.Append(text.GetString());
            if (choice.GetProperty("finish_reason").GetString() is { } reason) finish = reason;
        }
        Assert.Equal(whole.GetProperty("message").GetProperty("content").GetString(), content.ToString());
        Assert.Equal(whole.GetProperty("finish_reason").GetString(), finish);
    }

    [Fact]
    public async Task DeepSeekR1ReasoningParser_PutsTheThinkingIntoReasoningContent_StreamedAndNot()
    {
        await using var server = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString(), "--model", TestData.Stories260K, "--chat-template", InferenceServerFixture.ChatTemplate,
                "--reasoning-parser", "deepseek_r1", "--seed", "0", "--threads", "1"],
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120),
        });
        var body = new { messages = new[] { new { role = "user", content = "Once upon a time" } }, max_tokens = 30, temperature = 0 };
        using var whole = await server.Http.PostAsJsonAsync("v1/chat/completions", body);
        var message = JsonDocument.Parse(await whole.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message");
        // stories260K never closes a </think>: as in vLLM's deepseek_r1 parser, all of it is reasoning.
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var reasoning = message.GetProperty("reasoning_content").GetString();
        Assert.False(string.IsNullOrEmpty(reasoning));

        using var streamed = await server.Http.PostAsJsonAsync("v1/chat/completions", new { body.messages, body.max_tokens, body.temperature, stream = true });
        var deltas = new StringBuilder();
        foreach (var line in (await streamed.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)))
        {
            var delta = JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("choices")[0].GetProperty("delta");
            if (delta.TryGetProperty("reasoning_content", out var part)) deltas.Append(part.GetString());
            if (delta.TryGetProperty("content", out var content)) Assert.Equal("", content.GetString());   // only the opening role chunk
        }
        Assert.Equal(reasoning, deltas.ToString());
    }
}
