using System.Net;
using System.Net.Http.Headers;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// Gateway__AdminUrls: the admin API, /metrics and /health's details answer on the admin listener only; the public one
/// serves the OpenAI API and answers 404 there. Its own gateway (no replicas are needed for this).
/// </summary>
public sealed class AdminListenerTests : IAsyncLifetime
{
    private readonly int _adminPort = FreePort.Next();
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayProcess.StartAsync("gateway-admin-listener", Array.Empty<string>(), redis: null,
        new Dictionary<string, string> { ["Gateway__AdminUrls"] = $"http://127.0.0.1:{_adminPort}" });

    public Task DisposeAsync() => _gateway.DisposeAsync().AsTask();

    [Fact]
    public async Task The_admin_API_metrics_and_health_details_are_served_on_the_admin_listener_only()
    {
        using var admin = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{_adminPort}/") };
        foreach (var path in new[] { "admin/keys", "metrics" })
        {
            using (var onAdmin = await admin.SendAsync(GatewayProcess.Admin(HttpMethod.Get, path)))
                Assert.Equal(HttpStatusCode.OK, onAdmin.StatusCode);
            using var onPublic = await _gateway.Http.SendAsync(GatewayProcess.Admin(HttpMethod.Get, path));
            await OpenAiErrorAssert.IsErrorAsync(onPublic, HttpStatusCode.NotFound, "invalid_request_error", "unknown_path");
        }

        using (var details = await admin.SendAsync(GatewayProcess.Admin(HttpMethod.Get, "health")))
            Assert.Contains("\"description\"", await details.Content.ReadAsStringAsync());
        using (var summary = await _gateway.Http.SendAsync(GatewayProcess.Admin(HttpMethod.Get, "health")))
        {
            Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
            Assert.DoesNotContain("\"description\"", await summary.Content.ReadAsStringAsync());
        }

        // The OpenAI API is on the public listener as before.
        using var models = await _gateway.Http.SendAsync(OpenAiRequests.Get("v1/models", "sk-unknown"));
        Assert.Equal(HttpStatusCode.Unauthorized, models.StatusCode);
    }
}

/// <summary>Wrong admin keys are limited per client address (Gateway__AdminFailuresPerMinute, here 3): its own gateway,
/// since the test's address is blocked for everything admin afterwards.</summary>
public sealed class AdminKeyFailureLimitTests : IAsyncLifetime
{
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayProcess.StartAsync("gateway-admin-failures", Array.Empty<string>(), redis: null,
        new Dictionary<string, string> { ["Gateway__AdminFailuresPerMinute"] = "3" });

    public Task DisposeAsync() => _gateway.DisposeAsync().AsTask();

    [Fact]
    public async Task After_the_allowed_wrong_admin_keys_an_address_gets_429_with_Retry_After_even_with_the_right_key()
    {
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await _gateway.Http.SendAsync(WithKey("admin/keys", $"guess-{i}"));
            await OpenAiErrorAssert.IsErrorAsync(wrong, HttpStatusCode.Unauthorized, "invalid_request_error", "invalid_api_key");
        }
        foreach (var (path, key) in new[] { ("admin/keys", "guess-3"), ("admin/keys", GatewayProcess.AdminKey), ("metrics", GatewayProcess.AdminKey) })
        {
            using var refused = await _gateway.Http.SendAsync(WithKey(path, key));
            await OpenAiErrorAssert.IsErrorAsync(refused, HttpStatusCode.TooManyRequests, "rate_limit_error", "too_many_failed_attempts");
            Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single()), 1, 20);   // one failure refills in 20 s
        }
        // Probes stay open.
        using var health = await _gateway.Http.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static HttpRequestMessage WithKey(string path, string key) => new(HttpMethod.Get, path)
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
    };
}
