using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceService.Tests.Api;

/// <summary>
/// A LoRA adapter named by a Hugging Face repo id is pulled through ModelCacheService (from the fake hub), both from
/// --lora-modules at startup and from /v1/load_lora_adapter at run time, and answers exactly as the same adapter loaded
/// from its local folder; an unknown repo is a 400 naming it, the server still serving.
/// </summary>
public sealed class LoraFromHubTests
{
    private const string AdminKey = "sk-admin-lora-hub-77a0";
    private const string CacheKey = "modelcache-key-lora";
    private const string AdapterRepo = "test-org/tiny-lora";

    [Fact]
    public async Task AnAdapterRepoId_IsPulledThroughTheCache_AtStartupAndAtRunTime_AndAnswersAsTheLocalFolder()
    {
        using var model = TinyModel.Create(vocab: 512, tied: false, seed: 23).WithTokenizerOf(TestData.Stories260K);
        using var adapter = TinyLora.Create(model, rank: 4, alpha: 16, seed: 5);
        await using var cache = await HubAndService.StartAsync(o => o with { ApiKey = CacheKey });
        cache.Hub.Add(HubRepository.Of(AdapterRepo, [.. Directory.GetFiles(adapter.Directory).Order(StringComparer.Ordinal)
            .Select(path => new HubFile(Path.GetFileName(path), File.ReadAllBytes(path)))]));
        await using var service = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString(CultureInfo.InvariantCulture), "--model", model.Directory, "--served-model-name", "base",
                "--admin-key", AdminKey, "--enable-lora", "--max-loras", "3", "--max-model-len", "128", "--threads", "1",
                "--lora-modules", $"from-startup={AdapterRepo}"],
            BindWithAspNetCoreUrls = false,
            Environment = new Dictionary<string, string> { ["services__modelcache__http__0"] = cache.Service.Url, ["ModelCache__ApiKey"] = CacheKey },
            HealthTimeout = TimeSpan.FromSeconds(120),
        });

        Assert.Equal(HttpStatusCode.OK, (await LoadAsync(service, "from-folder", adapter.Directory)).Status);
        Assert.Equal(HttpStatusCode.OK, (await LoadAsync(service, "from-hub", AdapterRepo)).Status);

        int[] prompt = [1, 40, 77, 301, 5, 9, 250];
        var expected = await CompleteAsync(service, "from-folder", prompt);
        Assert.NotEqual(await CompleteAsync(service, "base", prompt), expected);   // the adapter changes the answer
        Assert.Equal(expected, await CompleteAsync(service, "from-startup", prompt));
        Assert.Equal(expected, await CompleteAsync(service, "from-hub", prompt));

        var (status, body) = await LoadAsync(service, "missing", "test-org/no-such-adapter");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("lora_path", error.GetProperty("param").GetString());
        Assert.Contains("test-org/no-such-adapter", error.GetProperty("message").GetString());
        Assert.Equal(expected, await CompleteAsync(service, "from-hub", prompt));
    }

    private static async Task<(HttpStatusCode Status, string Body)> LoadAsync(ServiceProcess service, string name, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/load_lora_adapter") { Content = JsonContent.Create(new { lora_name = name, lora_path = path }) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + AdminKey);
        using var response = await service.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> CompleteAsync(ServiceProcess service, string model, int[] prompt)
    {
        using var response = await service.Http.PostAsJsonAsync("v1/completions", new { model, prompt, max_tokens = 8, temperature = 0, ignore_eos = true });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json.GetProperty("choices")[0].GetProperty("text").GetString()!;
    }
}
