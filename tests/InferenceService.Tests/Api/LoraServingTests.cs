using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceService.Tests.Api;

/// <summary>
/// A real server with --enable-lora and three --lora-modules (both flag forms): each adapter is a model of its own on every
/// generation endpoint and in /v1/models (parent: the base model); 32 concurrent requests over the adapters and the base
/// model answer as each does alone; adapters load and unload at run time (admin key) while requests on other adapters
/// run, which finish unchanged; flawed adapters are 400s that leave the server serving; a flawed --lora-modules adapter
/// leaves the replica unhealthy with the cause.
/// </summary>
public sealed class LoraServingTests(LoraServingTests.LoraServer server) : IClassFixture<LoraServingTests.LoraServer>
{
    private const string AdminKey = "sk-admin-lora-5e1d";
    private static readonly string?[] Served = [null, "alpha", "beta", "gamma"];

    public sealed class LoraServer : IAsyncLifetime
    {
        public TinyModel Model { get; } = TinyModel.Create(vocab: 512, tied: false, seed: 21).WithTokenizerOf(TestData.Stories260K);
        public TinyLora[] Adapters { get; private set; } = [];
        public ServiceProcess Service { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Adapters =
            [
                TinyLora.Create(Model, rank: 4, alpha: 16, seed: 1),
                TinyLora.Create(Model, ["q_proj", "v_proj", "down_proj"], rank: 8, alpha: 8, useRslora: true, seed: 2),
                TinyLora.Create(Model, ["o_proj", "gate_proj", "up_proj"], rank: 2, alpha: 8, seed: 3),
                TinyLora.Create(Model, rank: 4, alpha: 16, seed: 4),   // loaded at run time
            ];
            Service = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
            {
                Args = port => ["--port", port.ToString(CultureInfo.InvariantCulture), "--model", Model.Directory, "--served-model-name", "base",
                    "--admin-key", AdminKey, "--enable-lora", "--max-loras", "3", "--max-num-seqs", "64", "--max-model-len", "256",
                    "--chat-template", "{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}",
                    "--lora-modules", $"alpha={Adapters[0].Directory}",
                    "--lora-modules", JsonSerializer.Serialize(new { name = "beta", path = Adapters[1].Directory, base_model_name = "base" }),
                    "--lora-modules", $"gamma={Adapters[2].Directory}"],
                BindWithAspNetCoreUrls = false,
                HealthTimeout = TimeSpan.FromSeconds(120),
            });
        }

        public async Task DisposeAsync()
        {
            await Service.DisposeAsync();
            foreach (var adapter in Adapters) adapter.Dispose();
            Model.Dispose();
        }
    }

    private HttpClient Http => server.Service.Http;

    [Fact]
    public async Task Models_ListsEachAdapter_WithTheBaseModelAsParent()
    {
        var models = await Http.GetFromJsonAsync<JsonElement>("v1/models");
        var data = models.GetProperty("data").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!);
        Assert.Equal(JsonValueKind.Null, data["base"].GetProperty("parent").ValueKind);
        foreach (var name in Served.Skip(1))
        {
            Assert.Equal("base", data[name!].GetProperty("parent").GetString());
            Assert.Equal(name, data[name!].GetProperty("root").GetString());
        }
    }

    [Fact]
    public async Task ThirtyTwoConcurrentRequests_OverThreeAdaptersAndTheBase_EqualEachAlone()
    {
        var requests = Enumerable.Range(0, 32).Select(i => (Model: Served[i % 4] ?? "base", Prompt: Prompt(i / 4))).ToList();
        var alone = new List<string>();
        foreach (var (model, prompt) in requests) alone.Add(await CompleteAsync(model, prompt, 10));
        var together = await Task.WhenAll(requests.Select(r => CompleteAsync(r.Model, r.Prompt, 10)));
        for (int i = 0; i < requests.Count; i++) Assert.True(alone[i] == together[i], $"request {i} ({requests[i].Model}): '{alone[i]}' alone, '{together[i]}' batched");
        for (int a = 1; a < 4; a++)
            Assert.True(Enumerable.Range(0, 8).Any(p => alone[p * 4] != alone[p * 4 + a]), $"adapter {Served[a]} changed no output");
    }

    [Theory]
    [InlineData("v1/chat/completions")]
    [InlineData("v1/responses")]
    public async Task ChatAndResponses_ServeAnAdapterByName(string path)
    {
        string text = "Once upon a time";
        object Body(string model) => path == "v1/responses"
            ? new { model, input = text, max_output_tokens = 8, temperature = 0 }
            : new { model, messages = new[] { new { role = "user", content = text } }, max_tokens = 8, temperature = 0 };
        var outputs = new Dictionary<string, string>();
        foreach (var model in new[] { "base", "alpha", "gamma" })
        {
            using var response = await Http.PostAsJsonAsync(path, Body(model));
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.IsSuccessStatusCode, json.ToString());
            Assert.Equal(model, json.GetProperty("model").GetString());
            outputs[model] = path == "v1/responses"
                ? json.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString()!
                : json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        }
        // The template renders the bare text after BOS, as a completion of the text: under each model, the same output.
        foreach (var (model, output) in outputs) Assert.Equal(await CompleteTextAsync(model, text, 8), output);
        using var unknown = await Http.PostAsJsonAsync(path, Body("delta-unknown"));
        await OpenAiErrorAssert.IsErrorAsync(unknown, HttpStatusCode.NotFound, "invalid_request_error", "model_not_found");
    }

    [Fact]
    public async Task LoadAndUnload_WhileRequestsRunOnOtherAdapters_TheyFinishUnchanged()
    {
        var prompt = Prompt(3);
        var expected = new Dictionary<string, string>();
        foreach (var model in new[] { "base", "alpha", "beta" }) expected[model] = await CompleteAsync(model, prompt, 120);

        var running = expected.Keys.Select(model => (model, Task: CompleteAsync(model, prompt, 120))).ToList();
        var loaded = await AdminAsync("v1/load_lora_adapter", new { lora_name = "delta", lora_path = server.Adapters[3].Directory });
        Assert.Equal((HttpStatusCode.OK, "Success: LoRA adapter 'delta' added successfully."), loaded);
        var delta = await CompleteAsync("delta", prompt, 6);
        Assert.Equal(await CompleteAsync("delta", prompt, 6), delta);
        var models = await Http.GetFromJsonAsync<JsonElement>("v1/models");
        Assert.Contains(models.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == "delta");

        // Unloaded while one of its requests runs: that request finishes with it; new ones find no such model.
        var onDelta = CompleteAsync("delta", prompt, 120);
        Assert.Equal((HttpStatusCode.OK, "Success: LoRA adapter 'delta' removed successfully."),
            await AdminAsync("v1/unload_lora_adapter", new { lora_name = "delta" }));
        using var gone = await Http.PostAsJsonAsync("v1/completions", new { model = "delta", prompt, max_tokens = 2 });
        var error = await OpenAiErrorAssert.IsErrorAsync(gone, HttpStatusCode.NotFound, "invalid_request_error", "model_not_found");
        Assert.Equal("The model `delta` does not exist.", error.GetProperty("message").GetString());
        Assert.StartsWith(delta, await onDelta);

        foreach (var (model, task) in running) Assert.True(expected[model] == await task, $"{model} changed while adapters loaded and unloaded");
        var listed = await Http.GetFromJsonAsync<JsonElement>("v1/models");
        Assert.DoesNotContain(listed.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == "delta");
    }

    public static TheoryData<string> Flaws() => new(TinyLora.Flaws.Keys);

    [Theory]
    [MemberData(nameof(Flaws))]
    public async Task FlawedAdapter_Is400_AndTheServerKeepsServing(string flaw)
    {
        using var adapter = TinyLora.Flawed(server.Model, flaw);
        var (status, body) = await AdminAsync("v1/load_lora_adapter", new { lora_name = "flawed", lora_path = adapter.Directory });
        Assert.True(status == HttpStatusCode.BadRequest, body);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Contains("LoRA adapter 'flawed'", error.GetProperty("message").GetString());
        Assert.Contains(TinyLora.Flaws[flaw], error.GetProperty("message").GetString());
        Assert.Equal("lora_path", error.GetProperty("param").GetString());
        using var refused = await Http.PostAsJsonAsync("v1/completions", new { model = "flawed", prompt = Prompt(0), max_tokens = 2 });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.NotEmpty(await CompleteAsync("alpha", Prompt(0), 3));
    }

    [Theory]
    [InlineData("v1/load_lora_adapter", "{\"lora_name\":\"alpha\",\"lora_path\":\"ADAPTER\"}", 400, "The lora adapter 'alpha' has already been loaded.")]
    [InlineData("v1/load_lora_adapter", "{\"lora_name\":\"x\"}", 400, "Both 'lora_name' and 'lora_path' must be provided.")]
    [InlineData("v1/load_lora_adapter", "{\"lora_name\":\"x\",\"lora_path\":\"ADAPTER\",\"load_inplace\":true}", 400, "Unknown field 'load_inplace'")]
    [InlineData("v1/unload_lora_adapter", "{\"lora_name\":\"nobody\"}", 404, "The lora adapter 'nobody' cannot be found.")]
    [InlineData("v1/unload_lora_adapter", "{}", 400, "'lora_name' needs to be provided to unload a LoRA adapter.")]
    public async Task BadAdminRequests_AreOpenAiErrors(string path, string json, int status, string message)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json.Replace("ADAPTER", server.Adapters[0].Directory.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal),
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + AdminKey);
        using var response = await Http.SendAsync(request);
        var error = await OpenAiErrorAssert.IsErrorAsync(response, (HttpStatusCode)status, "invalid_request_error", status == 404 ? "model_not_found" : null);
        Assert.StartsWith(message, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task FlawedLoraModule_LeavesTheReplicaUnhealthy_WithTheCause()
    {
        using var adapter = TinyLora.Flawed(server.Model, "rank-too-large");
        var options = new ServiceOptions
        {
            Args = port => ["--port", port.ToString(CultureInfo.InvariantCulture), "--model", server.Model.Directory, "--enable-lora",
                "--lora-modules", $"big={adapter.Directory}"],
            BindWithAspNetCoreUrls = false,
        };
        await using var replica = ServiceProcess.Start("InferenceService", FreePort.Next(), options);
        var (status, body) = await replica.WaitForHealthAsync((_, b) => b.Contains("failed to load", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        body = System.Text.RegularExpressions.Regex.Unescape(body);
        Assert.Contains("LoRA adapter 'big'", body);
        Assert.Contains(TinyLora.Flaws["rank-too-large"], body);
    }


    private async Task<(HttpStatusCode Status, string Body)> AdminAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + AdminKey);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> CompleteAsync(string model, int[] prompt, int maxTokens)
    {
        using var response = await Http.PostAsJsonAsync("v1/completions", new { model, prompt, max_tokens = maxTokens, temperature = 0, ignore_eos = true });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        Assert.Equal(model, json.GetProperty("model").GetString());
        return json.GetProperty("choices")[0].GetProperty("text").GetString()!;
    }

    private async Task<string> CompleteTextAsync(string model, string prompt, int maxTokens)
    {
        using var response = await Http.PostAsJsonAsync("v1/completions", new { model, prompt, max_tokens = maxTokens, temperature = 0 });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json.GetProperty("choices")[0].GetProperty("text").GetString()!;
    }

    /// <summary>Prompts that share their first 16 tokens (a block), then differ.</summary>
    private static int[] Prompt(int i)
    {
        var random = new Random(100 + i);
        return [.. Enumerable.Range(0, 16).Select(t => 5 + t * 7), .. Enumerable.Range(0, 3 + i).Select(_ => random.Next(3, 512))];
    }
}
