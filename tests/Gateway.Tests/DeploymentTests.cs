using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// Deployments through the gateway's admin API over two real InferenceService replicas, Redis keeping the desired state:
/// a model deployed at run time is loaded on the replica chosen for it (and only there) and answers through the gateway
/// as the replica itself answers; a killed replica started again is brought back to serving it; undeploying unloads it.
/// Bad deployments are refused with the replica's reason or shown as failed, and nothing else is disturbed.
/// </summary>
public sealed class DeploymentTests(DeploymentCluster cluster) : IClassFixture<DeploymentCluster>
{
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_deployed_model_answers_through_the_gateway_comes_back_after_a_replica_restart_and_undeploying_removes_it()
    {
        var gateway = cluster.Gateway.Http;
        Assert.Equal(HttpStatusCode.NotFound, (await DeploymentCluster.CompleteAsync(gateway, cluster.Key.Secret, "tiny")).Status);

        object request = new { model = cluster.Model.Directory, served_model_name = "tiny", replicas = 1 };
        var (status, body) = await cluster.AdminAsync(HttpMethod.Post, "admin/deployments", request);
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        var target = body.GetProperty("replicas").EnumerateArray().Single().GetProperty("id").GetString()!;
        int index = target == "inference-0" ? 0 : 1;

        // The same deployment asked for again joins it; another one under the same name is refused.
        (status, body) = await cluster.AdminAsync(HttpMethod.Post, "admin/deployments", request);
        Assert.True(status == HttpStatusCode.OK && body.GetProperty("joined").GetBoolean(), body.ToString());
        (status, body) = await cluster.AdminAsync(HttpMethod.Post, "admin/deployments",
            new { model = cluster.Model.Directory, served_model_name = "tiny", replicas = 1, max_model_len = 64 });
        Assert.Equal((HttpStatusCode.Conflict, "deployment_exists"), (status, Code(body)));

        await WaitForDeploymentAsync("tiny", "ready");
        var (answered, text) = await WaitForAnswerAsync("tiny");
        Assert.Equal(HttpStatusCode.OK, answered);
        var direct = await DeploymentCluster.CompleteAsync(cluster.Replica(index).Http, null, "tiny");
        Assert.Equal((HttpStatusCode.OK, text), (direct.Status, direct.Text));
        Assert.DoesNotContain("tiny", (await cluster.ReplicaModelsAsync(1 - index)).Keys);
        (_, body) = await cluster.AdminAsync(HttpMethod.Get, "admin/replicas");
        var listed = body.GetProperty("data").EnumerateArray().Single(r => r.GetProperty("id").GetString() == target);
        Assert.Contains(listed.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == "tiny");

        // Killed and started again, the replica has only its startup model; the gateway loads the deployment back.
        await cluster.KillReplicaAsync(index);
        await WaitForDeploymentAsync("tiny", "deploying", replicaState: "unreachable");
        await cluster.StartReplicaAsync(index);
        await WaitForDeploymentAsync("tiny", "ready");
        Assert.Equal("ready", (await cluster.ReplicaModelsAsync(index))["tiny"]);
        var again = await WaitForAnswerAsync("tiny");
        Assert.Equal((HttpStatusCode.OK, text), (again.Status, again.Text));

        (status, body) = await cluster.AdminAsync(HttpMethod.Delete, "admin/deployments/tiny?grace=5s");
        Assert.True(status == HttpStatusCode.Accepted && body.GetProperty("state").GetString() == "undeploying", body.ToString());
        await Poll.UntilAsync(async () => (await cluster.AdminAsync(HttpMethod.Get, "admin/deployments/tiny")).Status == HttpStatusCode.NotFound,
            "the deployment to be gone", LoadTimeout);
        Assert.DoesNotContain("tiny", (await cluster.ReplicaModelsAsync(index)).Keys);
        await Poll.UntilAsync(async () => (await DeploymentCluster.CompleteAsync(gateway, cluster.Key.Secret, "tiny")).Status == HttpStatusCode.NotFound,
            "the gateway to answer 404 for the undeployed model");
        Assert.Equal(HttpStatusCode.OK, (await DeploymentCluster.CompleteAsync(gateway, cluster.Key.Secret, DeploymentCluster.First)).Status);
    }

    /// <summary>Sixteen greedy requests on the startup model through the gateway, while the same deployment is asked for twice
    /// at once onto both replicas: every answer is the text it is without the deployment, the two asks make one deployment,
    /// and the new model then answers on both replicas.</summary>
    [Fact]
    public async Task Sixteen_requests_on_the_first_model_are_undisturbed_by_a_deployment_onto_both_replicas()
    {
        var gateway = cluster.Gateway.Http;
        var prompts = Enumerable.Range(0, 16).Select(i => $"Once upon a time, story {i}, there was").ToList();
        var alone = await Task.WhenAll(prompts.Select(p => DeploymentCluster.CompleteAsync(gateway, cluster.Key.Secret, DeploymentCluster.First, p, 60)));
        Assert.All(alone, a => Assert.Equal(HttpStatusCode.OK, a.Status));

        var running = prompts.Select(p => DeploymentCluster.CompleteAsync(gateway, cluster.Key.Secret, DeploymentCluster.First, p, 60)).ToList();
        object request = new { model = cluster.Model.Directory, served_model_name = "during", replicas = 2 };
        var asks = await Task.WhenAll(cluster.AdminAsync(HttpMethod.Post, "admin/deployments", request), cluster.AdminAsync(HttpMethod.Post, "admin/deployments", request));
        Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.Accepted }, asks.Select(a => a.Status).Order());
        var during = await Task.WhenAll(running);
        for (int i = 0; i < prompts.Count; i++) Assert.Equal(alone[i], during[i]);

        var ready = await WaitForDeploymentAsync("during", "ready");
        Assert.Equal(new[] { "inference-0", "inference-1" }, ready.GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("id").GetString()).Order());
        foreach (int index in new[] { 0, 1 })
        {
            Assert.Equal("ready", (await cluster.ReplicaModelsAsync(index))["during"]);
            Assert.Equal(HttpStatusCode.OK, (await DeploymentCluster.CompleteAsync(cluster.Replica(index).Http, null, "during")).Status);
        }
        Assert.Equal(HttpStatusCode.OK, (await DeploymentCluster.CompleteAsync(gateway, cluster.Key.Secret, "during")).Status);
        await UndeployAsync("during");
    }

    /// <summary>A model of about 250 MB deployed onto both replicas, then undeployed while six long streams run on it through
    /// the gateway: new requests are refused at once, each stream finishes within the grace period or ends with the documented
    /// error (an error event with code model_unloaded), the model's series leave both replicas' /metrics, and each replica's
    /// anonymous resident memory drops by (within 5 %) the weights.</summary>
    [Fact]
    public async Task Undeploying_with_streams_in_flight_on_both_replicas_ends_them_as_documented_and_frees_the_weights()
    {
        using var big = TinyModel.Create(hidden: 512, heads: 8, kvHeads: 4, layers: 16, intermediate: 2048, vocab: 512, seed: 3, maxPositions: 1024)
            .WithTokenizerOf(TestData.Stories260K);
        long[] before = [Rss(0), Rss(1)];
        var (status, body) = await cluster.AdminAsync(HttpMethod.Post, "admin/deployments",
            new { model = big.Directory, served_model_name = "big", replicas = 2, kv_cache_memory = "128MiB", max_model_len = 1024 });
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        await WaitForDeploymentAsync("big", "ready");
        await WaitForAnswerAsync("big");
        long weights = (await cluster.ReplicaEntriesAsync(0))["big"].GetProperty("memory").GetProperty("weights_bytes").GetInt64();
        Assert.True(weights > 200_000_000, $"weights {weights}");

        // 850 tokens of a 250 MB model on one thread take minutes: none can finish within the grace period.
        var story = string.Concat(Enumerable.Repeat(" once upon a time there was a little girl", 6));
        var streams = Enumerable.Range(0, 6)
            .Select(i => GreedyCompletion.RunAsync(cluster.Gateway.Http, cluster.Key.Secret, "big", $"{i} {story}", 850, stream: true)).ToList();
        await Poll.UntilAsync(async () => await RunningAsync(0, "big") >= 1 && await RunningAsync(1, "big") >= 1 && await RunningAsync(0, "big") + await RunningAsync(1, "big") == 6,
            "the six streams to run on both replicas", LoadTimeout);
        long[] serving = [Rss(0), Rss(1)];

        (status, body) = await cluster.AdminAsync(HttpMethod.Delete, "admin/deployments/big?grace=3s");
        Assert.True(status == HttpStatusCode.Accepted && body.GetProperty("state").GetString() == "undeploying", body.ToString());
        await Poll.UntilAsync(async () => (await Task.WhenAll(StateAsync(0, "big"), StateAsync(1, "big"))).All(s => s is "draining" or null),
            "both replicas to drain the model");
        var late = await GreedyCompletion.RunAsync(cluster.Gateway.Http, cluster.Key.Secret, "big", "Too late", 2);
        Assert.True(late.Status is 503 or 404, $"{late}");
        foreach (var stream in streams)
        {
            var result = await stream;
            Assert.True(result is (200, _, "model_unloaded") || (result.Status == 503 && result.Text.Contains("model_unloaded", StringComparison.Ordinal)), $"{result}");
        }

        await Poll.UntilAsync(async () => (await cluster.AdminAsync(HttpMethod.Get, "admin/deployments/big")).Status == HttpStatusCode.NotFound,
            "the deployment to be gone", LoadTimeout);
        foreach (int index in new[] { 0, 1 })
        {
            Assert.Null(await StateAsync(index, "big"));
            var metrics = await cluster.Replica(index).Http.GetStringAsync("metrics");
            Assert.DoesNotContain("model_name=\"big\"", metrics);
            Assert.Contains($"vllm:kv_cache_usage_perc{{model_name=\"{DeploymentCluster.First}\"}} 0", metrics);
            long after = Rss(index);
            Assert.True(serving[index] - after >= weights / 20 * 19 && after - before[index] < weights / 10,
                $"replica {index}: RssAnon {before[index]:N0} bytes before the deployment, {serving[index]:N0} serving, {after:N0} after; weights {weights:N0} bytes");
        }
        Assert.Equal(HttpStatusCode.OK, (await DeploymentCluster.CompleteAsync(cluster.Gateway.Http, cluster.Key.Secret, DeploymentCluster.First)).Status);
    }

    /// <summary>Repo ids are pulled through the model cache from the (fake) hub: an unknown repo and a gated one without a token
    /// show as failed deployments with the hub's reason while the startup model keeps answering; a public one is pulled, loaded
    /// on both replicas and answers as the startup model does (both are stories260K).</summary>
    [Fact]
    public async Task Repo_ids_are_pulled_through_the_model_cache_and_unknown_or_gated_repos_fail_with_the_cause()
    {
        await DeployFailingAsync(new { model = "test-org/no-such-repo", served_model_name = "missing", replica_ids = new[] { "inference-0" } }, "missing", "no-such-repo");
        cluster.Hub.Hub.Switches.RequiredToken = "hf_secret-for-deployments";
        try
        {
            await DeployFailingAsync(new { model = HubRepository.StoriesId, served_model_name = "gated", replica_ids = new[] { "inference-1" } }, "gated", "HF_TOKEN");
        }
        finally
        {
            cluster.Hub.Hub.Switches.RequiredToken = null;
        }

        var (status, body) = await cluster.AdminAsync(HttpMethod.Post, "admin/deployments", new { model = HubRepository.StoriesId, served_model_name = "from-hub", replicas = 2 });
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        await WaitForDeploymentAsync("from-hub", "ready");
        var expected = await DeploymentCluster.CompleteAsync(cluster.Gateway.Http, cluster.Key.Secret, DeploymentCluster.First, "Lily and Tom", 24);
        foreach (int index in new[] { 0, 1 })
            Assert.Equal(expected, await DeploymentCluster.CompleteAsync(cluster.Replica(index).Http, null, "from-hub", "Lily and Tom", 24));
        Assert.Equal(expected, await WaitForAnswerAsync("from-hub", "Lily and Tom", 24));
        await UndeployAsync("from-hub");
    }

    private async Task DeployFailingAsync(object request, string name, string cause)
    {
        var (status, body) = await cluster.AdminAsync(HttpMethod.Post, "admin/deployments", request);
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        var failed = await WaitForDeploymentAsync(name, "failed");
        var message = failed.GetProperty("replicas").EnumerateArray().Single().GetProperty("error").GetProperty("message").GetString()!;
        Assert.True(message.Contains(cause, StringComparison.Ordinal), message);
        Assert.Equal(HttpStatusCode.OK, (await DeploymentCluster.CompleteAsync(cluster.Gateway.Http, cluster.Key.Secret, DeploymentCluster.First)).Status);
        await UndeployAsync(name);
    }

    private async Task UndeployAsync(string name)
    {
        var (status, body) = await cluster.AdminAsync(HttpMethod.Delete, $"admin/deployments/{name}?grace=0");
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        await Poll.UntilAsync(async () => (await cluster.AdminAsync(HttpMethod.Get, $"admin/deployments/{name}")).Status == HttpStatusCode.NotFound,
            $"deployment {name} to be gone", LoadTimeout);
    }

    private long Rss(int index) => cluster.Replica(index).Process.AnonymousResidentBytes();

    private async Task<string?> StateAsync(int index, string model) =>
        (await cluster.ReplicaEntriesAsync(index)).TryGetValue(model, out var entry) ? entry.GetProperty("state").GetString() : null;

    private async Task<int> RunningAsync(int index, string model) =>
        (await cluster.ReplicaEntriesAsync(index)).TryGetValue(model, out var entry) ? entry.GetProperty("requests").GetProperty("running").GetInt32() : 0;

    public static TheoryData<string, string, HttpStatusCode, string?, string?> Refused() => new()
    {
        { "{}", "missing model", HttpStatusCode.BadRequest, "model", null },
        { """{"model": "MODEL", "replicas": 0}""", "zero replicas", HttpStatusCode.BadRequest, "replicas", null },
        { """{"model": "MODEL", "replicas": 3}""", "more replicas than there are", HttpStatusCode.BadRequest, "replicas", "not_enough_replicas" },
        { """{"model": "MODEL", "replica_ids": ["inference-9"]}""", "an unknown replica", HttpStatusCode.BadRequest, "replica_ids", "unknown_replica" },
        { """{"model": "MODEL", "replicas": 1, "replica_ids": ["inference-0"]}""", "count and names", HttpStatusCode.BadRequest, "replicas", null },
        { "not json", "a body that is not JSON", HttpStatusCode.BadRequest, null, null },
        { """{"model": "MODEL", "served_model_name": "typo", "dtyp": "float32"}""", "a field the replicas do not take", HttpStatusCode.BadRequest, null, null },
        { """{"model": "/no/such/model", "served_model_name": "nowhere"}""", "a path that does not exist", HttpStatusCode.BadRequest, null, "model_not_found" },
        { """{"model": "MODEL", "served_model_name": "huge", "kv_cache_memory": "10TiB"}""", "a model larger than the memory", HttpStatusCode.Conflict, null, "insufficient_memory" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_bad_deployment_is_refused_with_the_reason_and_nothing_is_deployed(string json, string what, HttpStatusCode expected, string? param, string? code)
    {
        using var content = new StringContent(json.Replace("MODEL", cluster.Model.Directory, StringComparison.Ordinal), Encoding.UTF8, "application/json");
        var (status, body) = await cluster.AdminAsync(HttpMethod.Post, "admin/deployments", content);
        Assert.True(status == expected, $"{what}: {(int)status} {body}");
        var error = body.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), what);
        if (param is not null) Assert.Equal(param, error.GetProperty("param").GetString());
        if (code is not null) Assert.Equal(code, error.GetProperty("code").GetString());
        if (json.Contains("dtyp", StringComparison.Ordinal)) Assert.Contains("dtyp", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        (_, body) = await cluster.AdminAsync(HttpMethod.Get, "admin/deployments");
        Assert.DoesNotContain(body.GetProperty("data").EnumerateArray(), d => d.GetProperty("name").GetString() is "typo" or "nowhere" or "huge");
        Assert.Equal(HttpStatusCode.OK, (await DeploymentCluster.CompleteAsync(cluster.Gateway.Http, cluster.Key.Secret, DeploymentCluster.First)).Status);
    }

    [Fact]
    public async Task Corrupt_weights_show_as_a_failed_deployment_with_the_replicas_error_and_unknown_names_are_404()
    {
        var corrupt = Directory.CreateTempSubdirectory("corrupt-model-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(cluster.Model.Directory)) File.Copy(file, Path.Combine(corrupt, Path.GetFileName(file)));
            var weights = Path.Combine(corrupt, "model.safetensors");
            File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..100]);

            var (status, body) = await cluster.AdminAsync(HttpMethod.Post, "admin/deployments",
                new { model = corrupt, served_model_name = "corrupt", replica_ids = new[] { "inference-1" } });
            Assert.True(status == HttpStatusCode.Accepted, body.ToString());
            var failed = await WaitForDeploymentAsync("corrupt", "failed");
            var replica = failed.GetProperty("replicas").EnumerateArray().Single();
            Assert.Equal(("inference-1", "failed"), (replica.GetProperty("id").GetString(), replica.GetProperty("state").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(replica.GetProperty("error").GetProperty("message").GetString()), replica.ToString());
            Assert.Equal(HttpStatusCode.OK, (await DeploymentCluster.CompleteAsync(cluster.Gateway.Http, cluster.Key.Secret, DeploymentCluster.First)).Status);

            await UndeployAsync("corrupt");
        }
        finally
        {
            Directory.Delete(corrupt, recursive: true);
        }

        var (notFound, missing) = await cluster.AdminAsync(HttpMethod.Delete, "admin/deployments/no-such-model");
        Assert.Equal((HttpStatusCode.NotFound, "deployment_not_found"), (notFound, Code(missing)));
        var (badGrace, grace) = await cluster.AdminAsync(HttpMethod.Delete, "admin/deployments/first?grace=soon");
        Assert.Equal((HttpStatusCode.BadRequest, "grace"), (badGrace, grace.GetProperty("error").GetProperty("param").GetString()));
    }

    /// <summary>A gateway of its own (no Redis: its deployments are its own) whose configuration asks for a deployment: added
    /// once placed, served, and undeployable like any other.</summary>
    [Fact]
    public async Task A_deployment_in_the_configuration_is_added_at_startup_and_served()
    {
        await using var gateway = await GatewayProcess.StartAsync("gateway-configured", [cluster.Replica(0).Url, cluster.Replica(1).Url], redis: null,
            new Dictionary<string, string>
            {
                ["Gateway__UpstreamAdminKey"] = DeploymentCluster.ReplicaAdminKey,
                ["Gateway__Deployments__configured__model"] = cluster.Model.Directory,
                ["Gateway__Deployments__configured__replica_ids"] = "inference-1",
                ["Gateway__Deployments__configured__max_model_len"] = "64",
            });
        var key = await gateway.CreateKeyAsync("configured");
        await WaitForDeploymentAsync("configured", "ready", via: gateway);
        Assert.Equal("ready", (await cluster.ReplicaModelsAsync(1))["configured"]);
        Assert.DoesNotContain("configured", (await cluster.ReplicaModelsAsync(0)).Keys);
        await Poll.UntilAsync(async () => (await DeploymentCluster.CompleteAsync(gateway.Http, key.Secret, "configured")).Status == HttpStatusCode.OK,
            "the configured model to answer", LoadTimeout);

        var (status, _) = await cluster.AdminAsync(HttpMethod.Delete, "admin/deployments/configured", via: gateway);
        Assert.Equal(HttpStatusCode.Accepted, status);
        await Poll.UntilAsync(async () => !(await cluster.ReplicaModelsAsync(1)).ContainsKey("configured"), "the configured model to be unloaded", LoadTimeout);
    }

    [Fact]
    public async Task A_configured_deployment_without_a_model_stops_the_gateway_naming_the_setting()
    {
        var result = await ServiceCommand.RunAsync("Gateway", [], new Dictionary<string, string> { ["Gateway__Deployments__broken__replicas"] = "2" });
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("error: Gateway:Deployments:broken: 'model' is required", result.Stderr, StringComparison.Ordinal);
    }

    private async Task<JsonElement> WaitForDeploymentAsync(string name, string state, string? replicaState = null, GatewayProcess? via = null)
    {
        JsonElement last = default;
        await Poll.UntilAsync(async () =>
        {
            var (status, body) = await cluster.AdminAsync(HttpMethod.Get, $"admin/deployments/{name}", via: via);
            last = body;
            return status == HttpStatusCode.OK && body.GetProperty("state").GetString() == state
                && (replicaState is null || body.GetProperty("replicas").EnumerateArray().Any(r => r.GetProperty("state").GetString() == replicaState));
        }, $"deployment {name} to be {state} (last seen: {last})", LoadTimeout);
        return last;
    }

    /// <summary>The first answer that is not a 503 (the gateway sees a restarted replica healthy within a second or two).</summary>
    private async Task<(HttpStatusCode Status, string Text)> WaitForAnswerAsync(string model, string prompt = "Once upon a time", int maxTokens = 8)
    {
        (HttpStatusCode Status, string Text) result = default;
        await Poll.UntilAsync(async () =>
        {
            result = await DeploymentCluster.CompleteAsync(cluster.Gateway.Http, cluster.Key.Secret, model, prompt, maxTokens);
            return result.Status is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.NotFound);
        }, $"{model} to answer through the gateway", LoadTimeout);
        return result;
    }

    private static string? Code(JsonElement body) => body.GetProperty("error").GetProperty("code").GetString();
}
