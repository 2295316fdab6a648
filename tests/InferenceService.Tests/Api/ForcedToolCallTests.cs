using System.Text.Json.Nodes;

namespace InferenceService.Tests.Api;

/// <summary>
/// tool_choice "required" and a named function on real stories260K servers (a model that never wrote a tool call):
/// the answer is constrained to calls, parsed into message.tool_calls, and every call's arguments validate under its
/// tool's schema (JsonSchema.Net) at temperature 1 with random seeds, streamed and not; "required" finishes with
/// "tool_calls" and a named function with "stop" (as vLLM); parallel_tool_calls false gives one call; streamed equals
/// non-streamed; and each --tool-call-parser's format (hermes without one) round-trips.
/// </summary>
public sealed class ForcedToolCallTests(ToolServerFixture fixture) : IClassFixture<ToolServerFixture>
{
    private const int Samples = 16;

    private static JsonObject Body(JsonNode toolChoice, int seed, bool stream, bool parallel = true) => new()
    {
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Once upon a time" }),
        ["tools"] = ForcedToolCalls.Tools(), ["tool_choice"] = toolChoice, ["parallel_tool_calls"] = parallel,
        ["max_tokens"] = 120, ["temperature"] = 1.0, ["seed"] = seed, ["stream"] = stream,
    };

    private static JsonObject Named(string name) => new() { ["type"] = "function", ["function"] = new JsonObject { ["name"] = name } };

    /// <summary>Runs the samples at once and returns what is wrong with them (empty when all pass).</summary>
    private static async Task<List<string>> SampleAsync(HttpClient http, Func<int, bool, JsonObject> body, string finishReason, Func<int, string?> callProblem,
        int samples = Samples)
    {
        var random = new Random(17);
        var runs = Enumerable.Range(0, samples).Select(i => GenerationClient.GenerateAsync(http, "v1/chat/completions", body(random.Next(), i % 2 == 0))).ToList();
        var failures = new List<string>();
        for (int i = 0; i < runs.Count; i++)
        {
            var result = await runs[i];
            string? problem = result.Status != 200 ? $"status {result.Status}: {result.Raw}"
                : result.FinishReason != finishReason ? $"finish_reason {result.FinishReason}"
                : result.Text != "" ? $"content «{result.Text}»"
                : callProblem(result.Calls.Count)
                  ?? result.Calls.Select(c => ForcedToolCalls.CallErrors(c.Name, c.Arguments) is { } e ? $"{c.Name} {c.Arguments}: {e}" : null).FirstOrDefault(e => e is not null);
            if (problem is not null) failures.Add($"sample {i} ({(i % 2 == 0 ? "streamed" : "whole")}): {problem}");
        }
        return failures;
    }

    [Fact]
    public async Task Required_GivesCallsOfTheTools_WithValidArguments_FinishingWithToolCalls()
    {
        var failures = await SampleAsync(fixture.Server.Http, (seed, stream) => Body("required", seed, stream), "tool_calls",
            count => count == 0 ? "no call" : null);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Required_WithoutParallelCalls_GivesExactlyOneCall()
    {
        var failures = await SampleAsync(fixture.Server.Http, (seed, stream) => Body("required", seed, stream, parallel: false), "tool_calls",
            count => count != 1 ? $"{count} calls" : null);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("get_weather")]
    [InlineData("book_table")]
    [InlineData("ping")]
    public async Task ANamedFunction_GivesOneCallOfIt_WithValidArguments_FinishingWithStop(string name)
    {
        var failures = await SampleAsync(fixture.Server.Http, (seed, stream) => Body(Named(name), seed, stream), "stop",
            count => count != 1 ? $"{count} calls" : null);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        var result = await GenerationClient.GenerateAsync(fixture.Server.Http, "v1/chat/completions", Body(Named(name), 5, false));
        Assert.Equal(name, Assert.Single(result.Calls).Name);
    }

    [Fact]
    public async Task Streamed_EqualsNonStreamed_ForRequiredAndNamed()
    {
        foreach (var choice in new JsonNode[] { "required", Named("book_table") })
            for (int seed = 0; seed < 4; seed++)
            {
                var whole = await GenerationClient.GenerateAsync(fixture.Server.Http, "v1/chat/completions", Body(choice.DeepClone(), seed, stream: false));
                var streamed = await GenerationClient.GenerateAsync(fixture.Server.Http, "v1/chat/completions", Body(choice.DeepClone(), seed, stream: true));
                Assert.NotEmpty(whole.Calls);
                Assert.Equal(whole.Calls, streamed.Calls);
                Assert.Equal(whole.FinishReason, streamed.FinishReason);
            }
    }

    [Theory]
    [InlineData("hermes")]
    [InlineData("llama3_json")]
    [InlineData("mistral")]
    [InlineData(null)]   // no --tool-call-parser: the calls are written and read in hermes' format
    public async Task EachToolCallParsersFormat_IsForcedAndReadBack(string? parser)
    {
        using var template = new TempDirectory();
        var templateFile = Path.Combine(template.Path, "template.jinja");
        await File.WriteAllTextAsync(templateFile, ToolChatTemplate.Text);
        await using var server = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString(), "--model", TestData.Stories260K, "--chat-template", templateFile,
                .. parser is null ? Array.Empty<string>() : ["--tool-call-parser", parser], "--seed", "0"],
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120),
            HttpTimeout = TimeSpan.FromMinutes(5),
        });
        var failures = await SampleAsync(server.Http, (seed, stream) => Body("required", seed, stream), "tool_calls", count => count == 0 ? "no call" : null, samples: 8);
        failures.AddRange(await SampleAsync(server.Http, (seed, stream) => Body(Named("get_weather"), seed, stream), "stop", count => count != 1 ? $"{count} calls" : null, samples: 8));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
