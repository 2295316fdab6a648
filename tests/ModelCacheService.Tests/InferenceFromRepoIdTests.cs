using System.Net.Http.Json;
using System.Text.Json;
using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>
/// `InferenceService --model karpathy/stories260K` asks ModelCacheService (found through services__modelcache__http__0)
/// to pull from the hub, loads the snapshot, and serves the reference text; a gated repo without a token leaves
/// it unhealthy with the cache's message naming the cause.
/// </summary>
public sealed class InferenceFromRepoIdTests
{
    private static TestProcess StartInference(HubAndService cache, int port) =>
        TestProcess.Start("inference", DotNetHost.Path,
            [BuildOutput.ServiceDll("InferenceService"), "--model", "karpathy/stories260K", "--port", port.ToString()],
            new Dictionary<string, string> { ["services__modelcache__http__0"] = cache.Service.Http.BaseAddress!.ToString().TrimEnd('/') },
            Path.GetDirectoryName(BuildOutput.ServiceDll("InferenceService")));

    private static async Task<(int Status, string Body)> WaitForHealthAsync(HttpClient http, TestProcess process, Func<int, string, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("health");
                var body = await response.Content.ReadAsStringAsync();
                if (done((int)response.StatusCode, body)) return ((int)response.StatusCode, body);
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException(process.Describe());
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task RepoId_IsPulledThroughTheCache_AndServesTheReferenceText()
    {
        await using var cache = await HubAndService.StartAsync();
        int port = FreePort.Next();
        await using var inference = StartInference(cache, port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await WaitForHealthAsync(http, inference, (status, _) => status == 200);

        using var response = await http.PostAsJsonAsync("v1/completions", new { model = "karpathy/stories260K", prompt = "Once upon a time", max_tokens = 60, temperature = 0 });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        using var reference = JsonDocument.Parse(File.ReadAllText(TestData.Path("models", "stories260K", "reference-greedy.json")));
        var expected = reference.RootElement.GetProperty("cases")[0].GetProperty("greedy_text").GetString();
        Assert.Equal(expected, json.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Contains("Pulling", inference.Output + "");   // progress was logged
    }

    [Fact]
    public async Task GatedRepoWithoutToken_StaysUnhealthy_WithTheCause()
    {
        await using var cache = await HubAndService.StartAsync();
        cache.Hub.Switches.RequiredToken = "hf_secret";
        int port = FreePort.Next();
        await using var inference = StartInference(cache, port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var (status, body) = await WaitForHealthAsync(http, inference, (_, b) => b.Contains("failed to load", StringComparison.Ordinal));
        Assert.Equal(503, status);
        Assert.True(body.Contains("HF_TOKEN", StringComparison.Ordinal), body + "\n" + inference.Describe());
    }
}
