using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InferenceService.Tests.Api;

namespace InferenceService.Tests;

/// <summary>
/// `InferenceService --model karpathy/stories260K` asks ModelCacheService (found through services__modelcache__http__0,
/// with its key ModelCache__ApiKey) to pull from the hub, loads the snapshot, and serves the reference text; a gated
/// repo without a token leaves it unhealthy with the cache's message naming the cause.
/// </summary>
public sealed class InferenceFromRepoIdTests
{
    private const string CacheKey = "modelcache-key-for-replicas";

    private static ServiceOptions InferenceFrom(HubAndService cache) => new()
    {
        // One thread: test classes run in parallel on two cores, each with its own processes.
        Args = port => ["--model", HubRepository.StoriesId, "--port", port.ToString(), "--threads", "1"],
        BindWithAspNetCoreUrls = false,
        Environment = new Dictionary<string, string> { ["services__modelcache__http__0"] = cache.Service.Url, ["ModelCache__ApiKey"] = CacheKey },
        HealthTimeout = TimeSpan.FromSeconds(120),
    };

    [Fact]
    public async Task RepoId_IsPulledThroughTheCache_WithItsKey_AndServesTheReferenceText()
    {
        await using var cache = await HubAndService.StartAsync(o => o with { ApiKey = CacheKey });
        await using var inference = await ServiceProcess.StartAsync("InferenceService", InferenceFrom(cache));

        var story = StoriesReference.All[0];
        using var response = await inference.Http.PostAsJsonAsync("v1/completions",
            new { model = HubRepository.StoriesId, prompt = story.Prompt, max_tokens = story.GreedyTokenIds.Length, temperature = 0 });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(story.GreedyText, json.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Contains("Pulling", inference.Process.Output);   // progress was logged
    }

    [Fact]
    public async Task GatedRepoWithoutToken_StaysUnhealthy_WithTheCause()
    {
        await using var cache = await HubAndService.StartAsync(o => o with { ApiKey = CacheKey });
        cache.Hub.Switches.RequiredToken = "hf_secret";
        var options = InferenceFrom(cache);
        await using var inference = ServiceProcess.Start("InferenceService", FreePort.Next(), options);

        var (status, body) = await inference.WaitForHealthAsync((_, b) => b.Contains("failed to load", StringComparison.Ordinal), options.HealthTimeout);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.True(body.Contains("HF_TOKEN", StringComparison.Ordinal), body + "\n" + inference.Process.Describe());
    }
}
