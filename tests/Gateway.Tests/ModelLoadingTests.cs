using System.Net;
using System.Text.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// A model that a replica reports as loading (its GET /admin/models, read with the replicas' admin key) is answered 503
/// model_loading with Retry-After, not 404; without the replicas' admin key the gateway cannot see loads and refuses
/// the deployment API with 403.
/// </summary>
public sealed class ModelLoadingTests
{
    [Fact]
    public async Task A_model_loading_on_a_replica_is_a_503_model_loading_with_Retry_After()
    {
        await using var backend = await BackendProcess.StartAsync("loader", ["model-a"], loading: ["model-c"]);
        await using var gateway = await GatewayProcess.StartAsync("gateway-loading", [backend], redis: null,
            new Dictionary<string, string> { ["Gateway__UpstreamAdminKey"] = "sk-replicas-admin" });
        var key = await gateway.CreateKeyAsync("loading");

        using var loading = await gateway.Http.SendAsync(OpenAiRequests.Chat(key.Secret, "model-c"));
        var body = JsonDocument.Parse(await loading.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "model_loading"), (loading.StatusCode, body.GetProperty("error").GetProperty("code").GetString()));
        Assert.Equal(TimeSpan.FromSeconds(2), loading.Headers.RetryAfter?.Delta);

        using var unknown = await gateway.Http.SendAsync(OpenAiRequests.Chat(key.Secret, "model-z"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var served = await gateway.Http.SendAsync(OpenAiRequests.Chat(key.Secret, "model-a"));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Without_the_replicas_admin_key_a_loading_model_is_unknown_and_deployments_are_403()
    {
        await using var backend = await BackendProcess.StartAsync("loader-2", ["model-a"], loading: ["model-c"]);
        await using var gateway = await GatewayProcess.StartAsync("gateway-no-admin", [backend], redis: null);
        var key = await gateway.CreateKeyAsync("no-admin");
        using var loading = await gateway.Http.SendAsync(OpenAiRequests.Chat(key.Secret, "model-c"));
        Assert.Equal(HttpStatusCode.NotFound, loading.StatusCode);

        foreach (var (method, path) in new[] { (HttpMethod.Get, "admin/deployments"), (HttpMethod.Post, "admin/deployments"), (HttpMethod.Get, "admin/replicas") })
        {
            using var request = GatewayProcess.Admin(method, path);
            using var response = await gateway.Http.SendAsync(request);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal((HttpStatusCode.Forbidden, "deployments_disabled"), (response.StatusCode, error.GetProperty("code").GetString()));
        }
    }
}
