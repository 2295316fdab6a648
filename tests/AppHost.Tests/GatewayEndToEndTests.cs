using System.ClientModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using OpenAI;
using OpenAI.Chat;

namespace AppHost.Tests;

/// <summary>
/// End to end through the gateway, under Aspire.Hosting.Testing: the official OpenAI SDK with an API key, 401 without
/// one, one W3C trace across gateway and replica, and a killed replica that the gateway routes around and uses again
/// once the AppHost's restart policy started it again, loading the model deployed on it again.
/// </summary>
[Collection(AspireSystemCollection.Name)]
public sealed class GatewayEndToEndTests(AspireSystemFixture system)
{
    private ChatClient Chat(string key) => new(AspireSystemFixture.ModelName, new ApiKeyCredential(key),
        new OpenAIClientOptions { Endpoint = new Uri(system.App.GetEndpoint("gateway", "http"), "v1"), NetworkTimeout = TimeSpan.FromSeconds(60) });

    [Fact]
    public async Task Chat_completion_streams_through_the_gateway_with_an_API_key()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 24, Temperature = 0 };
        var streamed = new StringBuilder();
        var chunks = 0;
        await foreach (var update in Chat(system.ApiKey).CompleteChatStreamingAsync([new UserChatMessage("Once upon a time")], options))
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
                chunks++;
            }

        Assert.True(chunks > 1, $"expected a stream of chunks, got {chunks}");
        // Greedy: the same text a replica gives when asked directly (no gateway; the replicas' own key).
        var direct = new ChatClient(AspireSystemFixture.ModelName, new ApiKeyCredential(AspireSystemFixture.InferenceApiKey),
            new OpenAIClientOptions { Endpoint = new Uri(system.App.GetEndpoint("inference-0", "http"), "v1") });
        var expected = (await direct.CompleteChatAsync([new UserChatMessage("Once upon a time")], options)).Value.Content[0].Text;
        Assert.Equal(expected, streamed.ToString());
    }

    /// <summary>The AppHost serves two models: the replicas' startup model and one the gateway deploys from its configuration
    /// (--Gateway:Deployments:...), listed and answered through the gateway from both replicas.</summary>
    [Fact]
    public async Task A_second_model_from_the_deployments_configuration_is_served_on_both_replicas()
    {
        using var gateway = system.App.CreateHttpClient("gateway");
        await Poll.UntilAsync(async () =>
        {
            using var request = Admin(HttpMethod.Get, $"/admin/deployments/{AspireSystemFixture.SecondModel}");
            using var response = await gateway.SendAsync(request);
            return response.IsSuccessStatusCode && JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("state").GetString() == "ready";
        }, $"the configured deployment {AspireSystemFixture.SecondModel} to be ready on both replicas", TimeSpan.FromSeconds(120));
        using (var models = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", system.ApiKey) } })
        using (var listed = await gateway.SendAsync(models))
        {
            var ids = JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString());
            Assert.Contains(AspireSystemFixture.SecondModel, ids);
            Assert.Contains(AspireSystemFixture.ModelName, ids);
        }
        // The same weights as the startup model: the same greedy completion.
        Assert.Equal(await CompleteAsync(gateway, AspireSystemFixture.ModelName), await CompleteAsync(gateway, AspireSystemFixture.SecondModel));
    }

    private async Task<string> CompleteAsync(HttpClient gateway, string model)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model, prompt = "Once upon a time", max_tokens = 12, temperature = 0 }),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", system.ApiKey) },
        };
        using var response = await gateway.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{model}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
    }

    [Fact]
    public async Task A_request_without_a_valid_key_gets_401()
    {
        using var http = system.App.CreateHttpClient("gateway");
        using var response = await http.PostAsJsonAsync("/v1/chat/completions",
            new { model = AspireSystemFixture.ModelName, messages = new[] { new { role = "user", content = "Hi" } }, max_tokens = 4 });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_api_key", body.RootElement.GetProperty("error").GetProperty("code").GetString());

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => Chat("sk-not-a-key").CompleteChatAsync([new UserChatMessage("Hi")]));
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task One_trace_id_is_seen_in_the_gateway_and_the_inference_replica_spans()
    {
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var parentId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        using var http = system.App.CreateHttpClient("gateway");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model = AspireSystemFixture.ModelName, prompt = "Once upon a time", max_tokens = 8 }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", system.ApiKey);
        request.Headers.Add("traceparent", $"00-{traceId}-{parentId}-01");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var telemetry = system.Telemetry;
        var seen = await telemetry.WaitForSpansAsync(spans =>
            spans.Any(s => s.TraceId == traceId && s.Service == "gateway") &&
            spans.Any(s => s.TraceId == traceId && s.Service!.StartsWith("inference-", StringComparison.Ordinal) && s.Name == "llm.request"),
            TimeSpan.FromSeconds(30));
        var inTrace = telemetry.Spans.Where(s => s.TraceId == traceId).ToList();
        Assert.True(seen, $"Spans of trace {traceId}: {string.Join("; ", inTrace.Select(s => $"{s.Service}/{s.ServiceInstance} {s.Name}"))}; " +
                          $"errors: {string.Join("; ", telemetry.Errors)}");
        // The gateway's server span continues the caller's span; the replica's spans continue the gateway's.
        Assert.Contains(inTrace, s => s.Service == "gateway" && s.ParentSpanId == parentId);
        var gatewaySpans = inTrace.Where(s => s.Service == "gateway").Select(s => s.SpanId).ToHashSet();
        Assert.Contains(inTrace, s => s.Service!.StartsWith("inference-", StringComparison.Ordinal) && gatewaySpans.Contains(s.ParentSpanId));
    }

    [Fact]
    public async Task Requests_keep_succeeding_while_a_replica_is_down_and_the_restarted_replica_serves_again_with_its_deployment()
    {
        using var gateway = system.App.CreateHttpClient("gateway");
        using var replica0 = system.App.CreateHttpClient("inference-0");
        using var replica1 = system.App.CreateHttpClient("inference-1");
        // A model deployed at run time on inference-0 (a second copy of the startup model under another name).
        using (var deploy = Admin(HttpMethod.Post, "/admin/deployments",
            new { model = TestData.Stories260K, served_model_name = Restored, replica_ids = new[] { "inference-0" } }))
        using (var deployed = await gateway.SendAsync(deploy))
            Assert.True(deployed.StatusCode == HttpStatusCode.Accepted, await deployed.Content.ReadAsStringAsync());
        await WaitForRestoredAsync(gateway, "before the crash");
        // Concurrent requests: the gateway balances by least outstanding requests, so both replicas get some.
        await BurstsUntilAsync(gateway, async () => await ServedAsync(replica0) > 0 && await ServedAsync(replica1) > 0, TimeSpan.FromSeconds(60),
            "the gateway to send requests to both replicas");

        // DCP starts a project with `dotnet run`; the crash is the server process under it dying.
        var pid = system.Pid("inference-0");
        var server = ProcessTree.Descendants(pid).Single(p => ProcessTree.CommandLine(p).Contains("InferenceService", StringComparison.Ordinal));
        using (var kill = Process.Start("kill", ["-KILL", server.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        // Requests sent while the process is dying are in flight at the crash; the claim is about the ones after. (One sent
        // on a pooled connection whose close the gateway has not read yet gets nothing back, and the gateway sends it again
        // to the other replica: no pause is needed.)
        await Poll.UntilAsync(() => !ProcessTree.IsAlive(server), $"the killed inference-0 server (pid {server}) to be gone");
        for (var burst = 0; burst < 3; burst++) await BurstAsync(gateway, $"burst {burst} after killing inference-0");

        using (var restart = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            try
            {
                await system.App.ResourceNotifications.WaitForResourceAsync("inference-0",
                    e => e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy && PidOf(e.Snapshot) is { } now && now != pid,
                    restart.Token);
            }
            catch (OperationCanceledException)
            {
                var snapshot = system.Snapshot("inference-0");
                Assert.Fail($"inference-0 was not restarted and healthy within 120 s: state {snapshot.State?.Text}, health {snapshot.HealthStatus}, " +
                            $"pid {PidOf(snapshot)} (killed {pid}), exit code {snapshot.ExitCode}");
            }
        }
        // The restarted process counts from zero: anything it served came through the gateway after the restart.
        await BurstsUntilAsync(gateway, async () => await ServedAsync(replica0) > 0, TimeSpan.FromSeconds(60),
            "the gateway to send requests to the restarted inference-0");
        // It started with its startup model only; the gateway's reconciler loads the deployment again.
        await WaitForRestoredAsync(gateway, "after the restart");
        using var undeploy = Admin(HttpMethod.Delete, $"/admin/deployments/{Restored}");
        using var undeployed = await gateway.SendAsync(undeploy);
        Assert.Equal(HttpStatusCode.Accepted, undeployed.StatusCode);
    }

    private const string Restored = "stories-restored";

    private static HttpRequestMessage Admin(HttpMethod method, string path, object? body = null) => new(method, path)
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AspireSystemFixture.AdminKey) },
        Content = body is null ? null : JsonContent.Create(body),
    };

    /// <summary>Until the deployment is ready on inference-0 and answers a completion through the gateway.</summary>
    private async Task WaitForRestoredAsync(HttpClient gateway, string when) => await Poll.UntilAsync(async () =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model = Restored, prompt = "Once upon a time", max_tokens = 4 }),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", system.ApiKey) },
        };
        using var response = await gateway.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK;
    }, $"{Restored} deployed on inference-0 to answer through the gateway {when}", TimeSpan.FromSeconds(120));

    private async Task BurstsUntilAsync(HttpClient gateway, Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited {timeout.TotalSeconds:0} s for {what}.");
            await BurstAsync(gateway, what);
        }
    }

    /// <summary>Eight concurrent completions through the gateway; every one must succeed.</summary>
    private async Task BurstAsync(HttpClient gateway, string when)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => CompleteAsync(gateway, maxTokens: 96)));
        foreach (var (status, body) in results)
            Assert.True(status == HttpStatusCode.OK, $"{when}: {(int)status} {body}");
    }

    private async Task<(HttpStatusCode Status, string Body)> CompleteAsync(HttpClient gateway, int maxTokens)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model = AspireSystemFixture.ModelName, prompt = "Once upon a time", max_tokens = maxTokens, ignore_eos = true }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", system.ApiKey);
        using var response = await gateway.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static int? PidOf(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid ? Convert.ToInt32(pid, CultureInfo.InvariantCulture) : null;

    private static async Task<double> ServedAsync(HttpClient replica) => SuccessfulRequests(await replica.GetStringAsync("/metrics"));

    /// <summary>Sum of vllm:request_success_total over its labels.</summary>
    private static double SuccessfulRequests(string metrics) => metrics.Split('\n')
        .Where(line => line.StartsWith("vllm:request_success_total", StringComparison.Ordinal))
        .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
