using System.Net;
using System.Text.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>Per-key limits shared by two gateways through Redis, with OpenAI's headers.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class RateLimitTests(SharedCluster cluster)
{
    [Fact]
    public async Task With_10_requests_per_minute_the_11th_through_either_gateway_gets_429_with_Retry_After()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("limits-rpm", requestsPerMinute: 10);

        for (var i = 1; i <= 10; i++)
        {
            var gateway = cluster.Gateways[i % 2];
            using var response = await gateway.Http.SendAsync(OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("10", OpenAiRequests.Header(response, "x-ratelimit-limit-requests"));
            // One shared bucket: the count goes down across both gateways.
            Assert.Equal((10 - i).ToString(), OpenAiRequests.Header(response, "x-ratelimit-remaining-requests"));
            Assert.NotNull(OpenAiRequests.Header(response, "x-ratelimit-reset-requests"));
        }

        foreach (var gateway in new[] { cluster.Gateways[1], cluster.Gateways[0] })
        {
            using var refused = await gateway.Http.SendAsync(OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA));
            await OpenAiErrorAssert.IsErrorAsync(refused, HttpStatusCode.TooManyRequests, "requests", "rate_limit_exceeded");
            var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single());
            Assert.InRange(retryAfter, 1, 60);
            Assert.Equal("0", OpenAiRequests.Header(refused, "x-ratelimit-remaining-requests"));
        }
    }

    [Fact]
    public async Task A_concurrent_burst_through_both_gateways_admits_exactly_the_limit_each_with_its_own_remaining_count()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("limits-burst", requestsPerMinute: 10);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await cluster.Gateways[i % 2].Http.SendAsync(OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA));
            return (response.StatusCode, Remaining: OpenAiRequests.Header(response, "x-ratelimit-remaining-requests"));
        }));

        var admitted = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Equal(10, admitted.Count);   // one request refills in 6 s: the burst takes far less
        // Each admitted request took its own unit of the one shared bucket: 9, 8, ..., 0, each once.
        Assert.Equal(Enumerable.Range(0, 10).Select(n => n.ToString()), admitted.Select(r => r.Remaining!).OrderBy(int.Parse));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
            Assert.Equal("0", r.Remaining);
        });
    }

    [Fact]
    public async Task A_tokens_per_minute_limit_reserves_each_estimate_and_settles_it_to_the_streamed_usage()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("limits-tpm", tokensPerMinute: 200);
        // Each stream reserves 13 (prompt) + 100 (max_tokens) = 113; the backend stops after 10: usage 10 + 10 = 20.

        var first = await StreamAsync(cluster.Gateway1, key, includeUsage: true);
        Assert.Equal("87", first.RemainingTokens);   // 200 − 113 reserved
        Assert.Equal(20, first.ClientUsageTotal);    // The client asked for usage and got it.

        var second = await StreamAsync(cluster.Gateway2, key, includeUsage: true);
        // 200 − 20 (the first, settled to its usage) − 113 (this one's reservation), plus what refilled meanwhile (3.3 tokens a second).
        Assert.InRange(int.Parse(second.RemainingTokens!), 67, 80);

        // A stream held with a large reservation (−313) leaves the bucket below zero until it is settled.
        using var held = OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA, stream: true, maxTokens: 300, promptWords: 10, holdAfterChunks: 1);
        using var heldResponse = await cluster.Gateway1.Http.SendAsync(held, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, heldResponse.StatusCode);
        using var refused = await cluster.Gateway1.Http.SendAsync(
            OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA, stream: true, includeUsage: true, maxTokens: 50, promptWords: 10));
        await OpenAiErrorAssert.IsErrorAsync(refused, HttpStatusCode.TooManyRequests, "tokens", "rate_limit_exceeded");
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Equal("0", OpenAiRequests.Header(refused, "x-ratelimit-remaining-tokens"));
    }

    [Fact]
    public async Task Streams_without_include_usage_are_metered_and_the_client_sees_no_usage_chunk()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("limits-hidden-usage", tokensPerMinute: 200);

        var first = await StreamAsync(cluster.Gateway2, key, includeUsage: null);
        Assert.Null(first.ClientUsageTotal);
        Assert.Equal(["t0 ", "t1 "], first.Contents.Take(2));
        Assert.Equal("[DONE]", first.LastEvent);
        var received = (await Task.WhenAll(cluster.Backends.Select(b => b.ReceivedAsync()))).SelectMany(r => r).Single(r => r.Id == first.RequestId);
        Assert.True(received.IncludeUsage); // The gateway asked the replica for usage on the client's behalf.

        var second = await StreamAsync(cluster.Gateway1, key, includeUsage: false);
        Assert.InRange(int.Parse(second.RemainingTokens!), 67, 80); // 200 − 20 − 113 (+ refill), as in the test above.
    }

    private sealed record StreamResult(string RequestId, string? RemainingTokens, long? ClientUsageTotal, List<string> Contents, string? LastEvent);

    private static async Task<StreamResult> StreamAsync(GatewayProcess gateway, CreatedKey key, bool? includeUsage)
    {
        using var request = OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA, stream: true, includeUsage: includeUsage, maxTokens: 100, promptWords: 10);
        request.Headers.Add("x-test-stop-after", "10");
        var id = OpenAiRequests.RequestId(request);
        using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await new SseReader(await response.Content.ReadAsStreamAsync()).RestAsync();
        long? usage = null;
        var contents = new List<string>();
        foreach (var data in events.Where(e => e != "[DONE]"))
        {
            var chunk = JsonDocument.Parse(data).RootElement;
            if (chunk.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object) usage = u.GetProperty("total_tokens").GetInt64();
            foreach (var choice in chunk.GetProperty("choices").EnumerateArray())
                contents.Add(choice.GetProperty("delta").GetProperty("content").GetString()!);
        }
        Assert.Equal(10, contents.Count);
        return new StreamResult(id, OpenAiRequests.Header(response, "x-ratelimit-remaining-tokens"), usage, contents, events.LastOrDefault());
    }
}
