using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ModelCacheService.Tests;

/// <summary>
/// Who may drive the model cache: a bearer key (ModelCache__ApiKey) on every /api request, JSON bodies only (415),
/// the host names it serves only (AllowedHosts: a page on another name, DNS-rebound to it, gets 400), a cap on pulls
/// running at once (429) and a floor of free disk below which no pull starts (507).
/// </summary>
public sealed class ApiAccessTests
{
    private const string Key = "mc-test-key-7f3a";
    private const string Stories = "karpathy/stories260K";

    [Fact]
    public async Task The_API_needs_the_key_and_JSON_bodies_while_probes_stay_open()
    {
        await using var setup = await HubAndService.StartAsync(o => o with { ApiKey = Key });
        using var anonymous = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = setup.Service.BaseAddress };

        foreach (var (method, path) in new[] { ("GET", "api/models"), ("POST", "api/models/pull"), ("DELETE", "api/models/karpathy/stories260K") })
            foreach (var key in new[] { null, "wrong-key" })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method == "POST") request.Content = new StringContent("{\"model\":\"karpathy/stories260K\"}", Encoding.UTF8, "application/json");
                if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                using var response = await anonymous.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
                Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
            }
        Assert.Empty(setup.Hub.Log.All);   // nothing reached the hub
        foreach (var probe in new[] { "health", "alive" })
        {
            using var response = await anonymous.GetAsync(probe);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // With the key: a pull in a text/plain body (what a web page can send without asking) is a 415.
        using var plain = new HttpRequestMessage(HttpMethod.Post, "api/models/pull")
        {
            Content = new StringContent("{\"model\":\"karpathy/stories260K\"}", Encoding.UTF8, "text/plain"),
        };
        using (var refused = await setup.Service.Http.SendAsync(plain))
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Equal("completed", (await setup.Service.PullAsync(Stories)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_request_naming_another_host_is_refused()
    {
        await using var setup = await HubAndService.StartAsync(o => o with { ApiKey = Key });
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/models");
        request.Headers.Host = "attacker.example";
        using var response = await setup.Service.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        using var named = new HttpRequestMessage(HttpMethod.Get, "api/models");
        named.Headers.Host = $"modelcache:{setup.Service.BaseAddress.Port}";   // its compose service name
        using var served = await setup.Service.Http.SendAsync(named);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Pulls_beyond_the_cap_are_a_429_while_joining_a_running_one_is_not()
    {
        await using var setup = await HubAndService.StartAsync(o => o with
        {
            Environment = new Dictionary<string, string> { ["ModelCache__MaxConcurrentPulls"] = "1" },
        });
        setup.Hub.Switches.ThrottleBytesPerSecond = 20_000;   // the first pull runs for a while
        var first = await setup.Service.StartPullAsync(Stories);

        var (status, body) = await setup.Service.SendAsync(HttpMethod.Post, "api/models/pull", new { model = Stories, revision = "v2" });
        Assert.True(status == HttpStatusCode.TooManyRequests, body.ToString());
        Assert.Equal("too_many_pulls", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("ModelCache__MaxConcurrentPulls", body.GetProperty("error").GetProperty("message").GetString());

        var joined = await setup.Service.StartPullAsync(Stories);
        Assert.Equal(first.GetProperty("id").GetString(), joined.GetProperty("id").GetString());
    }

    [Fact]
    public async Task No_pull_starts_when_the_disk_would_keep_less_than_the_floor()
    {
        await using var setup = await HubAndService.StartAsync(o => o with
        {
            Environment = new Dictionary<string, string> { ["ModelCache__MinFreeDiskBytes"] = (1L << 50).ToString() },
        });
        var (status, body) = await setup.Service.SendAsync(HttpMethod.Post, "api/models/pull", new { model = Stories });
        Assert.True(status == HttpStatusCode.InsufficientStorage, body.ToString());
        var error = body.GetProperty("error");
        Assert.Equal("insufficient_storage", error.GetProperty("code").GetString());
        Assert.Contains((1L << 50).ToString(), error.GetProperty("message").GetString());
        Assert.DoesNotContain(setup.Hub.Log.All, r => r.Server == "cdn");
    }

    [Fact]
    public async Task A_model_over_the_size_cap_fails_before_any_download_with_the_numbers()
    {
        await using var setup = await HubAndService.StartAsync(o => o with
        {
            Environment = new Dictionary<string, string> { ["ModelCache__MaxModelBytes"] = "100000" },
        });
        var state = await setup.Service.PullAsync(Stories);
        Assert.Equal("failed", state.GetProperty("status").GetString());
        var error = state.GetProperty("error");
        Assert.Equal("model_too_large", error.GetProperty("code").GetString());
        var size = setup.Hub.Stories.FilesAt(setup.Hub.Stories.Commit("main")).Sum(f => f.Content.Length);
        Assert.Contains($"{size} bytes", error.GetProperty("message").GetString());
        Assert.Contains("100000", error.GetProperty("message").GetString());
        Assert.DoesNotContain(setup.Hub.Log.All, r => r.Server == "cdn");
    }
}
