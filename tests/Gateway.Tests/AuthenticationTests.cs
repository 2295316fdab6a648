using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace Gateway.Tests;

/// <summary>API keys across two gateway processes sharing one Redis.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class AuthenticationTests(SharedCluster cluster)
{
    [Fact]
    public async Task Missing_wrong_and_revoked_keys_get_401_in_OpenAI_shape_on_both_gateways()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("auth-revoked");
        await cluster.Gateway1.RevokeKeyAsync(key.Id);

        foreach (var gateway in cluster.Gateways)
        {
            foreach (var presented in new string?[] { null, "sk-not-a-real-key", key.Secret })
            {
                using var response = await gateway.Http.SendAsync(OpenAiRequests.Chat(presented, SharedCluster.ModelA));
                await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_request_error", "invalid_api_key");
            }
            using var models = await gateway.Http.SendAsync(OpenAiRequests.Get("v1/models", "sk-wrong"));
            await OpenAiErrorAssert.IsErrorAsync(models, HttpStatusCode.Unauthorized, "invalid_request_error", "invalid_api_key");
        }
    }

    [Fact]
    public async Task A_key_created_on_one_gateway_works_at_once_on_both()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("auth-new");

        using var onOther = await cluster.Gateway2.Http.SendAsync(OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA));
        using var onSame = await cluster.Gateway1.Http.SendAsync(OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA));

        Assert.Equal(HttpStatusCode.OK, onOther.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onSame.StatusCode);
    }

    [Fact]
    public async Task Redis_holds_only_the_SHA256_of_a_key_never_the_key()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("auth-storage");
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Secret)));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString);
        var server = redis.GetServer(redis.GetEndPoints().Single());
        var db = redis.GetDatabase();
        var record = await db.HashGetAllAsync($"gw:key:{expectedHash}");
        Assert.NotEmpty(record);
        Assert.Equal(key.Name, record.Single(e => e.Name == "name").Value.ToString());

        var secretPart = key.Secret[3..]; // Without "sk-": not even the random part may be stored.
        await foreach (var redisKey in server.KeysAsync(pattern: "*"))
        {
            Assert.DoesNotContain(secretPart, redisKey.ToString());
            var type = await db.KeyTypeAsync(redisKey);
            var values = type switch
            {
                RedisType.Hash => (await db.HashGetAllAsync(redisKey)).Select(e => e.Value.ToString()),
                RedisType.String => [(await db.StringGetAsync(redisKey)).ToString()],
                RedisType.Set => (await db.SetMembersAsync(redisKey)).Select(v => v.ToString()),
                _ => [],
            };
            foreach (var value in values) Assert.DoesNotContain(secretPart, value);
        }
    }

    [Fact]
    public async Task The_client_key_never_reaches_the_replicas()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("auth-forwarding");
        using var request = OpenAiRequests.Chat(key.Secret, SharedCluster.ModelB);
        var id = OpenAiRequests.RequestId(request);
        using var response = await cluster.Gateway1.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var received = (await Task.WhenAll(cluster.Backends.Select(b => b.ReceivedAsync()))).SelectMany(r => r).Single(r => r.Id == id);
        Assert.Null(received.Authorization);
    }
}
