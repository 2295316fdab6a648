using System.Net;
using System.Net.Http.Json;

namespace InferenceService.Tests.Api;

/// <summary>
/// An engine failure while a request runs: a stream that has started ends with a final <c>data: {"error": ...}</c> event (a
/// valid ErrorResponse) and <c>data: [DONE]</c>, after the chunks already sent; the engine then serves on. Nothing a client
/// sends makes the engine fail, so the failure is injected by the replica's test hook INFERENCE_SERVICE_TEST_FAIL_AT_STEP
/// (FaultInjectingBackend): its 8th forward step throws, as a failing device would.
/// </summary>
public sealed class EngineFailureTests(EngineFailureTests.FaultyServer server) : IClassFixture<EngineFailureTests.FaultyServer>
{
    public sealed class FaultyServer() : ServiceFixture("InferenceService", new ServiceOptions
    {
        Args = port => ["--port", port.ToString(), "--model", TestData.Stories260K, "--threads", "1"],
        BindWithAspNetCoreUrls = false,
        Environment = new Dictionary<string, string> { ["INFERENCE_SERVICE_TEST_FAIL_AT_STEP"] = "8" },
        HealthTimeout = TimeSpan.FromSeconds(120),
    });

    [Fact]
    public async Task A_failure_mid_stream_ends_it_with_an_error_event_and_the_engine_serves_on()
    {
        var http = server.Service.Http;
        // Step 1 computes the prompt and the first token, steps 2 to 7 the next six; step 8 fails.
        using var response = await http.PostAsJsonAsync("v1/completions", new { prompt = "Once upon a time", max_tokens = 50, ignore_eos = true, stream = true });
        var stream = await OpenAiStream.ReadAsync(response, "CreateCompletionStreamResponse");

        Assert.InRange(stream.Chunks.Count, 1, 7);
        Assert.All(stream.Chunks, c => Assert.Null(c.GetProperty("choices")[0].GetProperty("finish_reason").GetString()));
        var error = Assert.NotNull(stream.Error).GetProperty("error");
        Assert.Contains("Forward step 8 failed", error.GetProperty("message").GetString());
        Assert.Equal("internal_error", error.GetProperty("type").GetString());

        using var next = await http.PostAsJsonAsync("v1/completions", new { prompt = "Once upon a time", max_tokens = 4 });
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(0, await http.MetricAsync("vllm:num_requests_running"));
    }
}
