using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.TestBackend;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// Model-aware routing over b1 (model-a), b2 (model-a, model-b) and b3 (model-b), checked against what the
/// backends themselves recorded; least-outstanding-requests balancing; /v1/models aggregation; draining.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class ModelRoutingTests(SharedCluster cluster)
{
    [Fact]
    public async Task Requests_for_a_model_reach_only_replicas_serving_it()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("routing-models");
        var sent = new List<(string Id, string Model)>();
        var requests = Enumerable.Range(0, 24).Select(async i =>
        {
            var model = i % 2 == 0 ? SharedCluster.ModelA : SharedCluster.ModelB;
            using var request = OpenAiRequests.Chat(key.Secret, model);
            lock (sent) sent.Add((OpenAiRequests.RequestId(request), model));
            using var response = await cluster.Gateways[i / 2 % 2].Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (Model: model, Backend: OpenAiRequests.BackendOf(response));
        });
        var answered = await Task.WhenAll(requests);

        Assert.All(answered.Where(a => a.Model == SharedCluster.ModelA), a => Assert.Contains(a.Backend, new[] { "b1", "b2" }));
        Assert.All(answered.Where(a => a.Model == SharedCluster.ModelB), a => Assert.Contains(a.Backend, new[] { "b2", "b3" }));

        // The backends' own records: every request arrived exactly once, at a replica serving its model.
        var servedBy = new Dictionary<string, string[]> { ["b1"] = [SharedCluster.ModelA], ["b2"] = [SharedCluster.ModelA, SharedCluster.ModelB], ["b3"] = [SharedCluster.ModelB] };
        var received = new List<(string Backend, ReceivedRequest Request)>();
        foreach (var backend in cluster.Backends)
            received.AddRange((await backend.ReceivedAsync()).Select(r => (backend.Name, r)));
        foreach (var (id, model) in sent)
        {
            var arrivals = received.Where(r => r.Request.Id == id).ToList();
            Assert.Single(arrivals);
            Assert.Equal(model, arrivals[0].Request.Model);
            Assert.Contains(model, servedBy[arrivals[0].Backend]);
        }
    }

    [Fact]
    public async Task Least_outstanding_requests_spreads_concurrent_streams_over_the_replicas_of_a_model()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("routing-balance");
        var held = new List<(HttpResponseMessage Response, string Id, string Backend)>();
        try
        {
            // Each stream stays open (held after its first chunk) before the next starts, so the gateway sees its
            // outstanding count when choosing the next replica.
            for (var i = 0; i < 4; i++)
            {
                var request = OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA, stream: true, holdAfterChunks: 1, requestId: Guid.NewGuid().ToString("N"));
                var id = OpenAiRequests.RequestId(request);
                var response = await cluster.Gateway1.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                held.Add((response, id, OpenAiRequests.BackendOf(response)!));
            }
            Assert.Equal(2, held.Count(h => h.Backend == "b1"));
            Assert.Equal(2, held.Count(h => h.Backend == "b2"));
        }
        finally
        {
            foreach (var (response, id, backend) in held)
            {
                await cluster.Backends.Single(b => b.Name == backend).ReleaseAsync(id);
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Get_models_aggregates_the_models_of_all_replicas()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("routing-list");
        foreach (var gateway in cluster.Gateways)
        {
            using var response = await gateway.Http.SendAsync(OpenAiRequests.Get("v1/models", key.Secret));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("list", root.GetProperty("object").GetString());
            var models = root.GetProperty("data").EnumerateArray().ToList();
            Assert.Equal([SharedCluster.ModelA, SharedCluster.ModelB], models.Select(m => m.GetProperty("id").GetString()!).Order());
            Assert.All(models, m => Assert.Equal("model", m.GetProperty("object").GetString()));

            using var one = await gateway.Http.SendAsync(OpenAiRequests.Get($"v1/models/{SharedCluster.ModelB}", key.Secret));
            Assert.Equal(SharedCluster.ModelB, JsonDocument.Parse(await one.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task Unknown_missing_or_unreadable_models_get_4xx_in_OpenAI_shape()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("routing-errors");
        var http = cluster.Gateway2.Http;

        using var unknown = await http.SendAsync(OpenAiRequests.Chat(key.Secret, "no-such-model"));
        var error = await OpenAiErrorAssert.IsErrorAsync(unknown, HttpStatusCode.NotFound, "invalid_request_error", "model_not_found");
        Assert.Equal("model", error.GetProperty("param").GetString());

        using var missing = await http.SendAsync(OpenAiRequests.Post("v1/chat/completions", key.Secret, new { messages = Array.Empty<object>() }));
        error = await OpenAiErrorAssert.IsErrorAsync(missing, HttpStatusCode.BadRequest, "invalid_request_error", null);
        Assert.Equal("model", error.GetProperty("param").GetString());

        foreach (var body in new[] { "{\"model\": \"model-a\",", "[1, 2]", "\"text\"", "{\"model\":\"model-a\"} trailing" })
        {
            using var request = OpenAiRequests.Get("v1/chat/completions", key.Secret);
            request.Method = HttpMethod.Post;
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(request);
            await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", null);
        }

        using var unknownModel = await http.SendAsync(OpenAiRequests.Get("v1/models/no-such-model", key.Secret));
        await OpenAiErrorAssert.IsErrorAsync(unknownModel, HttpStatusCode.NotFound, "invalid_request_error", "model_not_found");
    }

    /// <summary>The test backends serve no /v1/embeddings (an older replica): the gateway routes it by model like any
    /// model call, and the replica's bodiless 404 reaches the client in OpenAI's shape.</summary>
    [Fact]
    public async Task A_path_the_replica_does_not_serve_gets_a_json_404()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("routing-unknown-path");
        foreach (var path in new[] { "v1/embeddings", "v1/no/such/path" })
        {
            using var response = await cluster.Gateway2.Http.SendAsync(OpenAiRequests.Post(path, key.Secret, new { model = SharedCluster.ModelB, input = "a" }));
            Assert.Contains(OpenAiRequests.BackendOf(response), new[] { "b2", "b3" });
            var error = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "invalid_request_error", "unknown_path");
            Assert.Contains(path, error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Tokenize_is_routed_by_its_model()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("routing-tokenize");
        for (var i = 0; i < 4; i++)
        {
            using var response = await cluster.Gateways[i % 2].Http.SendAsync(
                OpenAiRequests.Post("tokenize", key.Secret, new { model = SharedCluster.ModelB, prompt = "one two three" }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(OpenAiRequests.BackendOf(response), new[] { "b2", "b3" });
            Assert.Equal(3, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());
        }
    }

    [Fact]
    public async Task A_replica_failing_its_health_check_is_drained_and_comes_back()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("routing-drain");
        await cluster.B1.SetHealthyAsync(false);
        try
        {
            await Poll.UntilAsync(async () => !await cluster.Gateway1.ReplicaAvailableAsync(0) && !await cluster.Gateway2.ReplicaAvailableAsync(0),
                "both gateways to take the unhealthy replica out of rotation");
            for (var i = 0; i < 8; i++)
            {
                using var response = await cluster.Gateways[i % 2].Http.SendAsync(OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("b2", OpenAiRequests.BackendOf(response));
            }
        }
        finally
        {
            await cluster.B1.SetHealthyAsync(true);
        }
        await Poll.UntilAsync(async () => await cluster.Gateway1.ReplicaAvailableAsync(0) && await cluster.Gateway2.ReplicaAvailableAsync(0),
            "both gateways to put the healthy replica back");
    }
}
