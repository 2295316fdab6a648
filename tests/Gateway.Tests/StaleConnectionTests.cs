using System.Net;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// A replica that takes a generation request and drops the connection without a byte of answer (a stale keep-alive
/// connection, a replica dying): the gateway sends the request once more to another replica, since the client has
/// received nothing. Its own cluster: s1 and s2, both "model-s", one gateway without Redis.
/// </summary>
public sealed class StaleConnectionTests : IAsyncLifetime
{
    private BackendProcess _s1 = null!, _s2 = null!;
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        var backends = await Task.WhenAll(BackendProcess.StartAsync("s1", "model-s"), BackendProcess.StartAsync("s2", "model-s"));
        (_s1, _s2) = (backends[0], backends[1]);
        _gateway = await GatewayProcess.StartAsync("gateway-stale", backends, redis: null);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _s1.DisposeAsync();
        await _s2.DisposeAsync();
    }

    [Fact]
    public async Task A_generation_request_answered_with_nothing_is_sent_once_more_to_another_replica_and_only_once()
    {
        var key = await _gateway.CreateKeyAsync("stale");

        // Idle, least-requests picks the same replica each time: the one that answered first is made to drop the next.
        using (var first = await _gateway.Http.SendAsync(OpenAiRequests.Chat(key.Secret, "model-s")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var (dropping, other) = OpenAiRequests.BackendOf(first) == "s1" ? (_s1, _s2) : (_s2, _s1);
            await dropping.CloseWithoutAnswerAsync(1);

            using var request = OpenAiRequests.Chat(key.Secret, "model-s");
            using var response = await _gateway.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(other.Name, OpenAiRequests.BackendOf(response));
            var retried = OpenAiRequests.RequestId(request);
            Assert.Contains(await dropping.ReceivedAsync(), r => r.Id == retried);   // it got there, and nothing came back
            Assert.Contains(await other.ReceivedAsync(), r => r.Id == retried);
            Assert.Contains("attempts=2", _gateway.Process.Output);
        }

        // Both drop it: two attempts, then a 502 in OpenAI's shape (no third try).
        await _s1.CloseWithoutAnswerAsync(1);
        await _s2.CloseWithoutAnswerAsync(1);
        using var twice = OpenAiRequests.Chat(key.Secret, "model-s");
        using var failed = await _gateway.Http.SendAsync(twice);
        await OpenAiErrorAssert.IsErrorAsync(failed, HttpStatusCode.BadGateway, "api_error", "upstream_error");
        var id = OpenAiRequests.RequestId(twice);
        Assert.Single(await _s1.ReceivedAsync(), r => r.Id == id);
        Assert.Single(await _s2.ReceivedAsync(), r => r.Id == id);
    }
}
