using System.Net;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// Its own cluster, because a replica is killed: r1 and r2 (both model-a) behind one gateway without Redis
/// (keys in memory, limits local), with a low anonymous per-IP limit.
/// </summary>
public sealed class ReplicaFailoverTests : IClassFixture<ReplicaFailoverTests.Cluster>
{
    // One a minute: the bucket then takes 60 s to give a request back, far longer than the three requests of the test
    // take even on a loaded machine (at 5 a minute a loaded run once got a token back before its last request). The
    // bucket's arithmetic at other limits is checked with a fake clock in RateLimitArithmeticTests.
    private const int AnonymousLimit = 1;
    private readonly Cluster _cluster;

    public ReplicaFailoverTests(Cluster cluster) => _cluster = cluster;

    public sealed class Cluster : IAsyncLifetime
    {
        public BackendProcess R1 { get; private set; } = null!;
        public BackendProcess R2 { get; private set; } = null!;
        public GatewayProcess Gateway { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var backends = await Task.WhenAll(BackendProcess.StartAsync("r1", "model-a"), BackendProcess.StartAsync("r2", "model-a"));
            (R1, R2) = (backends[0], backends[1]);
            Gateway = await GatewayProcess.StartAsync("gateway-failover", backends, redis: null,
                new Dictionary<string, string> { ["Gateway__AnonymousRequestsPerMinute"] = AnonymousLimit.ToString() });
        }

        public async Task DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await R1.DisposeAsync();
            await R2.DisposeAsync();
        }
    }

    [Fact]
    public async Task Killing_a_replica_mid_run_fails_no_request_that_had_not_reached_it()
    {
        var key = await _cluster.Gateway.CreateKeyAsync("failover");
        var http = _cluster.Gateway.Http;

        // Four streams in flight, held after their first chunk: least-requests puts two on each replica.
        var held = new List<(HttpResponseMessage Response, SseReader Events, string Id, string Backend)>();
        for (var i = 0; i < 4; i++)
        {
            var request = OpenAiRequests.Chat(key.Secret, "model-a", stream: true, maxTokens: 3, holdAfterChunks: 1);
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var events = new SseReader(await response.Content.ReadAsStreamAsync());
            Assert.NotNull(await events.NextDataAsync());
            held.Add((response, events, OpenAiRequests.RequestId(request), OpenAiRequests.BackendOf(response)!));
        }
        Assert.Equal(2, held.Count(h => h.Backend == "r2"));

        await _cluster.R2.KillAsync();

        // Everything sent after the kill succeeds, on r1: the gateway retries refused connections elsewhere.
        var after = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            using var response = await http.SendAsync(OpenAiRequests.Chat(key.Secret, "model-a"));
            return (response.StatusCode, Backend: OpenAiRequests.BackendOf(response));
        }));
        Assert.All(after, a => Assert.Equal((HttpStatusCode.OK, "r1"), a));

        // Streams on r1 finish; the two that had reached r2 end without [DONE] and were not replayed on r1.
        foreach (var (response, events, id, backend) in held)
        {
            if (backend == "r1") await _cluster.R1.ReleaseAsync(id);
            List<string> rest;
            try
            {
                rest = await events.RestAsync();
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                rest = [];
            }
            if (backend == "r1") Assert.Equal("[DONE]", rest.LastOrDefault());
            else Assert.DoesNotContain("[DONE]", rest);
            response.Dispose();
        }
        var onR1 = (await _cluster.R1.ReceivedAsync()).Select(r => r.Id).ToHashSet();
        Assert.All(held.Where(h => h.Backend == "r2"), h => Assert.DoesNotContain(h.Id, onR1));
        Assert.False(await _cluster.Gateway.ReplicaAvailableAsync(1));
    }

    [Fact]
    public async Task Requests_without_a_valid_key_are_limited_per_client_IP()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < AnonymousLimit + 1; i++)
        {
            using var response = await _cluster.Gateway.Http.GetAsync("/");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.TooManyRequests, "requests", "rate_limit_exceeded");
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, AnonymousLimit).Append(HttpStatusCode.TooManyRequests), statuses);

        // A wrong key counts as anonymous too (no brute-forcing keys past the limit); probes are never limited.
        using var wrongKey = await _cluster.Gateway.Http.SendAsync(OpenAiRequests.Chat("sk-guess", "model-a"));
        Assert.Equal(HttpStatusCode.TooManyRequests, wrongKey.StatusCode);
        using var health = await _cluster.Gateway.Http.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
