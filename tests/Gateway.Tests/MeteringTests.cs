using System.Net;
using System.Text.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// Every generation is charged to its key: a request reserves its estimate at admission (prompt "word word": 3 tokens,
/// plus max_tokens × n × prompts), and is settled to the usage the replica reports; what is never reported (a client
/// that left, a stream that ended in an error event) stays charged at the reservation. The key's bucket is read with
/// <see cref="TokenProbe"/> on the same gateway (its charges reach Redis in order).
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class MeteringTests(SharedCluster cluster)
{
    private const int Limit = 600;   // tokens per minute: 10 a second refill, slow against these tests

    [Theory]
    [InlineData("v1/completions/")]
    [InlineData("v1//completions")]
    public async Task A_stream_sent_to_another_spelling_of_the_path_is_metered_like_the_exact_path(string path)
    {
        var key = await cluster.Gateway1.CreateKeyAsync("metering-path", tokensPerMinute: Limit);
        using var request = OpenAiRequests.Completion(key.Secret, SharedCluster.ModelA, path, stream: true, maxTokens: 500);
        request.Headers.Add("x-test-stop-after", "5");   // usage: 2 prompt + 5 completion tokens
        using var response = await cluster.Gateway1.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await new SseReader(await response.Content.ReadAsStreamAsync()).RestAsync();
        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain(events, e => e.Contains("\"usage\":{"));   // the client did not ask for usage

        var received = (await Task.WhenAll(cluster.Backends.Select(b => b.ReceivedAsync()))).SelectMany(r => r)
            .Single(r => r.Id == OpenAiRequests.RequestId(request));
        Assert.Equal("/v1/completions", received.Path);
        Assert.True(received.IncludeUsage);   // the gateway asked for the usage it meters
        // Settled to the 7 tokens used: not left at the 503 reserved, nor free.
        Assert.InRange(await TokenProbe.RemainingAsync(cluster.Gateway1, key), Limit - 7 - TokenProbe.Reserved, Limit - TokenProbe.Reserved);
    }

    [Fact]
    public async Task A_stream_the_client_abandons_stays_charged_at_its_reservation()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("metering-abort", tokensPerMinute: Limit);
        using (var request = OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA, stream: true, maxTokens: 550, promptWords: 2, holdAfterChunks: 2))
        {
            var response = await cluster.Gateway1.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var events = new SseReader(await response.Content.ReadAsStreamAsync());
            Assert.NotNull(await events.NextDataAsync());
            Assert.NotNull(await events.NextDataAsync());
            response.Dispose();   // the client leaves mid-stream: no usage ever passes
        }

        // 553 reserved stay charged (the probe would see 598 if the stream had cost nothing).
        Assert.InRange(await TokenProbe.RemainingAsync(cluster.Gateway1, key), 0, Limit / 2);
    }

    [Fact]
    public async Task A_stream_ending_in_an_error_event_stays_charged_at_its_reservation()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("metering-error-event", tokensPerMinute: Limit);
        using var request = OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA, stream: true, includeUsage: true, maxTokens: 550, promptWords: 2);
        request.Headers.Add("x-test-error-after", "3");
        using var response = await cluster.Gateway1.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await new SseReader(await response.Content.ReadAsStreamAsync()).RestAsync();
        Assert.Contains("\"error\"", events[^2]);
        Assert.Equal("[DONE]", events[^1]);

        Assert.InRange(await TokenProbe.RemainingAsync(cluster.Gateway1, key), 0, Limit / 2);
    }

    [Fact]
    public async Task A_JSON_response_over_16_MiB_is_metered()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("metering-big-json", tokensPerMinute: Limit);
        using var request = OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA, maxTokens: 550, promptWords: 2);
        request.Headers.Add("x-test-stop-after", "5");
        request.Headers.Add("x-test-pad-bytes", (17 * 1024 * 1024).ToString());
        // 17 MiB through a test backend and the gateway on a busy machine: more time than the usual 30 s.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = cluster.Gateway1.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(body.Length > 17 * 1024 * 1024, $"{body.Length} bytes");
        Assert.Equal(7, JsonDocument.Parse(body).RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32());

        Assert.InRange(await TokenProbe.RemainingAsync(cluster.Gateway1, key), Limit - 7 - TokenProbe.Reserved, Limit - TokenProbe.Reserved);
    }

    [Fact]
    public async Task A_burst_of_streams_is_admitted_only_while_their_reservations_leave_tokens()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("metering-burst", tokensPerMinute: 100);
        // Each stream reserves 3 + 60 = 63 and is held after its first chunk, so no usage comes back meanwhile:
        // 100 → 37 (admitted, still above 0) → −26 (admitted) → every later one refused.
        var responses = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                var request = OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA, stream: true, maxTokens: 60, promptWords: 2, holdAfterChunks: 1);
                responses.Add(await cluster.Gateways[i % 2].Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead));
            }
            Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
                await OpenAiErrorAssert.IsErrorAsync(refused, HttpStatusCode.TooManyRequests, "tokens", "rate_limit_exceeded");
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
        }
    }
}
