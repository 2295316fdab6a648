using System.Net;
using System.Net.Http.Json;

namespace InferenceService.Tests.Api;

/// <summary>
/// A replica whose waiting queue is full (--max-num-queued-requests) refuses more with 429, Retry-After and an OpenAI-shaped
/// error (code queue_full), and serves what it queued once room comes.
/// </summary>
public sealed class QueueFullTests(QueueFullTests.OneSlotServer server) : IClassFixture<QueueFullTests.OneSlotServer>
{
    /// <summary>One running sequence and one waiting at most, and a context so long that the running request holds its slot
    /// until the test lets it go (its 30,000 tokens would take minutes).</summary>
    public sealed class OneSlotServer() : ServiceFixture("InferenceService", new ServiceOptions
    {
        Args = port =>
        [
            "--port", port.ToString(), "--model", TestData.Stories260K, "--max-num-seqs", "1", "--max-num-queued-requests", "1",
            "--max-model-len", "32768", "--threads", "1",
        ],
        BindWithAspNetCoreUrls = false,
        HealthTimeout = TimeSpan.FromSeconds(120),
    });

    [Fact]
    public async Task A_full_queue_answers_429_with_Retry_After_and_the_queued_request_runs_when_room_comes()
    {
        var http = server.Service.Http;
        using var running = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "v1/completions")
        {
            Content = JsonContent.Create(new { prompt = "Once upon a time", max_tokens = 30_000, ignore_eos = true, stream = true }),
        }, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, running.StatusCode);   // the first chunk was sent: it runs
        var queued = http.PostAsJsonAsync("v1/completions", new { prompt = "Once upon a time", max_tokens = 4 });
        await Poll.UntilAsync(async () => await http.MetricAsync("vllm:num_requests_waiting") == 1, "the second request to wait in the queue");

        using var refused = await http.PostAsJsonAsync("v1/completions", new { prompt = "Once upon a time", max_tokens = 4 });
        await OpenAiErrorAssert.IsErrorAsync(refused, HttpStatusCode.TooManyRequests, "rate_limit_error", "queue_full");
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, $"Retry-After: {refused.Headers.RetryAfter}");

        // The running request's client goes away (its unread stream closed with the connection): its sequence is aborted
        // and the queued one runs.
        running.Dispose();
        using var served = await queued;
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}
