using System.Net;
using System.Text.Json;
using Tests.Shared;

namespace ServiceDefaults.Tests;

/// <summary>
/// The ServiceDefaults endpoints every service answers: /health in the HealthChecks UI JSON shape,
/// /alive, and /metrics in Prometheus text. One subclass per service, each with its own running process; a service that
/// keeps /metrics and /health's details for its admin (the gateway) is read with <paramref name="adminKey"/>.
/// </summary>
public abstract class DefaultEndpointsTests(ServiceFixture fixture, string? adminKey = null)
{
    private ServiceProcess Service => fixture.Service;

    private Task<HttpResponseMessage> GetAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (adminKey is not null) request.Headers.Authorization = new("Bearer", adminKey);
        return Service.Http.SendAsync(request);
    }

    [Fact]
    public async Task Health_answers_200_with_HealthChecks_UI_json()
    {
        using var response = await GetAsync("health");
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/health answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal("Healthy", root.GetProperty("status").GetString());
        Assert.True(TimeSpan.TryParse(root.GetProperty("totalDuration").GetString(), out _), body);
        var self = root.GetProperty("entries").GetProperty("self");
        Assert.Equal("Healthy", self.GetProperty("status").GetString());
        Assert.True(self.TryGetProperty("duration", out _), body);
    }

    [Fact]
    public async Task Alive_answers_200()
    {
        using var response = await Service.Http.GetAsync("alive");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_answers_Prometheus_text_with_http_server_metrics_after_a_request()
    {
        using (await Service.Http.GetAsync("/")) { }

        // The exporter caches a scrape briefly, so the request may show up in a later one.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string text;
        do
        {
            using var response = await GetAsync("metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            text = await response.Content.ReadAsStringAsync();
            if (text.Contains("http_server_request_duration")) break;
            await Task.Delay(250);
        } while (DateTime.UtcNow < deadline);

        Assert.Contains("# TYPE ", text);
        Assert.Contains("http_server_request_duration", text);
    }
}
