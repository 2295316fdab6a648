using System.Net;
using System.Text.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// Gateway__UpstreamApiKey end to end: a real InferenceService replica started with --api-key behind a real gateway.
/// The gateway reads the replica's models and forwards requests with the upstream key, never the client's key.
/// </summary>
public sealed class UpstreamApiKeyTests
{
    private const string UpstreamKey = "sk-upstream-replica-key-93";

    [Fact]
    public async Task AGatewayWithTheUpstreamKey_ServesAReplicaStartedWithApiKey()
    {
        await using var replica = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString(), "--api-key", UpstreamKey],
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120),
        });
        // Ready means the gateway has read the replica's /v1/models, which needs the key.
        await using var gateway = await GatewayProcess.StartAsync("gateway-upstream-key", [replica.BaseAddress.ToString().TrimEnd('/')], redis: null,
            new Dictionary<string, string> { ["Gateway__UpstreamApiKey"] = UpstreamKey });
        var key = await gateway.CreateKeyAsync("upstream");

        using var completion = await gateway.Http.SendAsync(OpenAiRequests.Post("v1/completions", key.Secret,
            new { model = "stories260K", prompt = "Once upon a time", max_tokens = 4 }));
        var body = await completion.Content.ReadAsStringAsync();
        Assert.True(completion.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(4, JsonDocument.Parse(body).RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        using var tokenize = await gateway.Http.SendAsync(OpenAiRequests.Post("tokenize", key.Secret, new { model = "stories260K", prompt = "Once" }));
        Assert.Equal(HttpStatusCode.OK, tokenize.StatusCode);

        // The client's gateway key means nothing to the replica itself.
        using var direct = await replica.Http.SendAsync(OpenAiRequests.Post("v1/completions", key.Secret,
            new { model = "stories260K", prompt = "Once upon a time", max_tokens = 4 }));
        await OpenAiErrorAssert.IsErrorAsync(direct, HttpStatusCode.Unauthorized, "invalid_request_error", "invalid_api_key");
    }
}
