using System.Net;
using System.Net.Http.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// Redis stopped mid-run, with its own cluster (Redis, one backend, two gateways). The README's promise:
/// keys validated recently keep working from each gateway's cache, keys it has not seen are refused (503),
/// limits fall back to each gateway's own buckets, the admin API answers 503 and /health reports Degraded.
/// When Redis is back, so is Healthy.
/// </summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private BackendProcess _backend = null!;
    private GatewayProcess[] _gateways = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _backend = await BackendProcess.StartAsync("solo", "model-a");
        _gateways = await Task.WhenAll(
            GatewayProcess.StartAsync("gateway-outage-1", [_backend], _redis),
            GatewayProcess.StartAsync("gateway-outage-2", [_backend], _redis));
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways) await gateway.DisposeAsync();
        await _backend.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task With_Redis_down_known_keys_work_with_local_limits_unknown_keys_are_refused_and_health_is_Degraded()
    {
        var (g1, g2) = (_gateways[0], _gateways[1]);
        var known = await g1.CreateKeyAsync("outage-known", requestsPerMinute: 3);
        var unseen = await g1.CreateKeyAsync("outage-unseen");
        for (var i = 0; i < 2; i++)
        {
            using var response = await _gateways[i].Http.SendAsync(OpenAiRequests.Chat(known.Secret, "model-a"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal((2 - i).ToString(), OpenAiRequests.Header(response, "x-ratelimit-remaining-requests"));
        }
        // The shared bucket now has 1 of 3 requests left; during the outage each gateway has its own, full bucket.

        await _redis.StopAsync();

        foreach (var gateway in _gateways)
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 4; i++)
            {
                using var response = await gateway.Http.SendAsync(OpenAiRequests.Chat(known.Secret, "model-a"));
                statuses.Add(response.StatusCode);
            }
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);

            using var unseenResponse = await gateway.Http.SendAsync(OpenAiRequests.Chat(unseen.Secret, "model-a"));
            await OpenAiErrorAssert.IsErrorAsync(unseenResponse, HttpStatusCode.ServiceUnavailable, "service_unavailable", "key_store_unavailable");
            using var noKey = await gateway.Http.SendAsync(OpenAiRequests.Chat(null, "model-a"));
            await OpenAiErrorAssert.IsErrorAsync(noKey, HttpStatusCode.Unauthorized, "invalid_request_error", "invalid_api_key");

            var (status, health) = await gateway.HealthAsync();
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("Degraded", health.GetProperty("status").GetString());
            Assert.Equal("Degraded", health.GetProperty("entries").GetProperty("redis").GetProperty("status").GetString());

            using var create = GatewayProcess.Admin(HttpMethod.Post, "admin/keys");
            create.Content = JsonContent.Create(new { name = "during-outage" });
            await OpenAiErrorAssert.IsErrorAsync(await gateway.Http.SendAsync(create), HttpStatusCode.ServiceUnavailable,
                "service_unavailable", "key_store_unavailable");
        }

        await _redis.StartAgainAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        foreach (var gateway in _gateways)
        {
            string? state;
            do
            {
                state = (await gateway.HealthAsync()).Body.GetProperty("status").GetString();
                if (state == "Healthy") break;
                await Task.Delay(200);
            } while (DateTime.UtcNow < deadline);
            Assert.Equal("Healthy", state);
        }
        var fresh = await g2.CreateKeyAsync("after-outage");
        using var works = await g1.Http.SendAsync(OpenAiRequests.Chat(fresh.Secret, "model-a"));
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
    }
}
