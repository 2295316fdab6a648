using System.Diagnostics;
using System.Net;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>Health, trace propagation, access log and metrics of the gateway.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class ObservabilityTests(SharedCluster cluster)
{
    [Fact]
    public async Task Health_reports_Redis_and_every_replica()
    {
        var (status, health) = await cluster.Gateway1.HealthAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        var entries = health.GetProperty("entries");
        Assert.Equal("Healthy", entries.GetProperty("redis").GetProperty("status").GetString());
        var replicas = entries.GetProperty("replicas").GetProperty("data");
        Assert.Equal(["model-a"], replicas.GetProperty("inference-0").GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(cluster.B3.Url + "/", replicas.GetProperty("inference-2").GetProperty("address").GetString());
    }

    [Fact]
    public async Task Trace_context_is_propagated_to_the_replica()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("trace");
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var clientSpanId = ActivitySpanId.CreateRandom().ToHexString();
        using var request = OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA);
        request.Headers.Add("traceparent", $"00-{traceId}-{clientSpanId}-01");
        var id = OpenAiRequests.RequestId(request);
        using var response = await cluster.Gateway1.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var received = (await Task.WhenAll(cluster.Backends.Select(b => b.ReceivedAsync()))).SelectMany(r => r).Single(r => r.Id == id);
        var parts = received.Traceparent!.Split('-');
        Assert.Equal(traceId, parts[1]);          // Same trace...
        Assert.NotEqual(clientSpanId, parts[2]);  // ...under the gateway's own span.
    }

    [Fact]
    public async Task The_access_log_names_the_key_but_never_contains_it()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("access-log-name");
        using (var ok = await cluster.Gateway2.Http.SendAsync(OpenAiRequests.Chat(key.Secret, SharedCluster.ModelB)))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!cluster.Gateway2.Process.Output.Contains("key=access-log-name") && DateTime.UtcNow < deadline) await Task.Delay(50);
        var output = cluster.Gateway2.Process.Output;
        Assert.Contains("POST /v1/chat/completions 200", output);
        Assert.Contains("key=access-log-name model=model-b", output);
        Assert.DoesNotContain(key.Secret[3..], cluster.Gateway1.Process.Output);
        Assert.DoesNotContain(key.Secret[3..], output);
    }

    [Fact]
    public async Task Metrics_count_requests_by_route_status_and_key_name_and_time_the_upstream()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("metrics-name");
        using (var ok = await cluster.Gateway1.Http.SendAsync(OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA)))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        // The exporter caches a scrape briefly, so the request may show up in a later one.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string text;
        do
        {
            text = await cluster.Gateway1.MetricsAsync();
            if (text.Contains("key=\"metrics-name\"")) break;
            await Task.Delay(250);
        } while (DateTime.UtcNow < deadline);

        var requestLine = text.Split('\n').FirstOrDefault(l => l.StartsWith("gateway_requests_total{") && l.Contains("key=\"metrics-name\""));
        Assert.True(requestLine is not null, "no gateway_requests_total series for the key:\n" + text);
        Assert.Contains("route=\"/v1/chat/completions\"", requestLine);
        Assert.Contains("status=\"200\"", requestLine);
        Assert.Contains(text.Split('\n'), l => l.StartsWith("gateway_upstream_duration_seconds_bucket{") && l.Contains("replica=\"inference-"));
        Assert.Contains(text.Split('\n'), l => l.StartsWith("gateway_tokens_total{") && l.Contains("key=\"metrics-name\""));
        Assert.DoesNotContain(key.Secret[3..], text);
    }

    [Fact]
    public async Task Metrics_and_the_details_of_health_are_for_the_admin_key_only()
    {
        using (var anonymous = await cluster.Gateway1.Http.GetAsync("metrics"))
            await OpenAiErrorAssert.IsErrorAsync(anonymous, HttpStatusCode.Unauthorized, "invalid_request_error", "invalid_api_key");

        // Probes see the same status, without the checks' descriptions and data (replica addresses, exception text).
        using var health = await cluster.Gateway1.Http.GetAsync("health");
        var body = await health.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var replicas = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("entries").GetProperty("replicas");
        Assert.Equal("Healthy", replicas.GetProperty("status").GetString());
        Assert.False(replicas.TryGetProperty("data", out _), body);
        Assert.False(replicas.TryGetProperty("description", out _), body);
        Assert.DoesNotContain(cluster.B1.BaseAddress.Port.ToString(), body);

        Assert.Contains("gateway_requests_total", await cluster.Gateway1.MetricsAsync());
    }

    [Fact]
    public async Task Control_characters_a_client_sends_are_escaped_in_the_access_log()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("access-log-escape");
        using (var path = await cluster.Gateway1.Http.SendAsync(OpenAiRequests.Get("v1/models/x%0aFORGED-PATH-LINE", key.Secret)))
            Assert.Equal(HttpStatusCode.NotFound, path.StatusCode);
        using (var model = await cluster.Gateway1.Http.SendAsync(OpenAiRequests.Chat(key.Secret, "no-such\r\nFORGED-MODEL-LINE")))
            Assert.Equal(HttpStatusCode.NotFound, model.StatusCode);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!cluster.Gateway1.Process.Output.Contains("FORGED-MODEL-LINE") && DateTime.UtcNow < deadline) await Task.Delay(50);
        var lines = cluster.Gateway1.Process.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("/v1/models/x\\x0AFORGED-PATH-LINE 404"));
        Assert.Contains(lines, l => l.Contains("model=no-such\\x0D\\x0AFORGED-MODEL-LINE"));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("FORGED", StringComparison.Ordinal));
    }
}
