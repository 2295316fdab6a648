using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceService.Tests;

/// <summary>
/// `--model org/name:TAG` and `--model org/name --gguf-file name.gguf` against a repo publishing three quantizations
/// (test-org/qtiny-GGUF on the fake hub): the model cache downloads only the chosen .gguf (the hub's request log), the
/// replica loads that file and its greedy completion is llama.cpp's; a tag no file has leaves the replica unhealthy
/// with the repo's .gguf files listed.
/// </summary>
public sealed class GgufFromRepoTests
{
    private static ServiceOptions InferenceFrom(HubAndService cache, params string[] model) => new()
    {
        Args = port => [.. model, "--port", port.ToString(), "--max-model-len", "128"],
        BindWithAspNetCoreUrls = false,
        Environment = new Dictionary<string, string> { ["services__modelcache__http__0"] = cache.Service.Url },
        HealthTimeout = TimeSpan.FromSeconds(120),
    };

    private static async Task<HubAndService> CacheServingQuantTinyAsync()
    {
        var hub = await FakeHubServer.StartAsync();
        hub.Add(HubRepository.QuantTiny());
        return await HubAndService.StartAsync(hub: hub);
    }

    [Theory]
    [InlineData("Q4_K_M", "--model", HubRepository.QuantTinyId + ":q4_k_m")]
    [InlineData("Q8_0", "--model", HubRepository.QuantTinyId, "--gguf-file", "qtiny-Q8_0.gguf")]
    public async Task TheChosenQuantization_AloneIsPulled_AndServesLlamaCppsTokens(string file, params string[] model)
    {
        await using var cache = await CacheServingQuantTinyAsync();
        await using var inference = await ServiceProcess.StartAsync("InferenceService", InferenceFrom(cache, model));

        var reference = LlamaCppReference.Load(file, 0);
        using var response = await inference.Http.PostAsJsonAsync("v1/completions",
            new { model = model[1], prompt = reference.PromptIds, max_tokens = reference.GreedyIds.Length, temperature = 0 });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        using var detokenized = await inference.Http.PostAsJsonAsync("detokenize", new { tokens = reference.GreedyIds });
        var expected = (await detokenized.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prompt").GetString()!;
        Assert.Equal(expected.TrimStart(), body.GetProperty("choices")[0].GetProperty("text").GetString()!.TrimStart());

        var resolved = cache.Hub.Log.Where("hub", "HEAD", $"/{HubRepository.QuantTinyId}/resolve/").Select(r => r.Path.Split('/')[^1]).Distinct();
        Assert.Equal([$"qtiny-{file}.gguf"], resolved);
        Assert.Single(cache.Hub.Log.Where("cdn", "GET", "/lfs/"));
    }

    [Fact]
    public async Task ATagNoFileHas_LeavesTheReplicaUnhealthy_ListingTheGgufFiles()
    {
        await using var cache = await CacheServingQuantTinyAsync();
        var options = InferenceFrom(cache, "--model", HubRepository.QuantTinyId + ":Q5_K_M");
        await using var inference = ServiceProcess.Start("InferenceService", FreePort.Next(), options);

        var (status, body) = await inference.WaitForHealthAsync((_, b) => b.Contains("failed to load", StringComparison.Ordinal), options.HealthTimeout);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.True(body.Contains("qtiny-Q4_0.gguf, qtiny-Q4_K_M.gguf, qtiny-Q8_0.gguf", StringComparison.Ordinal), body + "\n" + inference.Process.Describe());
        Assert.Empty(cache.Hub.Log.Where("cdn", "GET", "/lfs/"));
    }
}
