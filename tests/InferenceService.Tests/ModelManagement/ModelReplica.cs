using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceService.Tests.ModelManagement;

/// <summary>
/// A real InferenceService process with the admin API on (stories260K as its startup model, served as "first"), and the
/// calls the model management tests make: the admin API with the admin key, completions by model name, and the process's
/// resident memory.
/// </summary>
public sealed class ModelReplica : IAsyncDisposable
{
    public const string AdminKey = "sk-admin-models-20";
    public const string First = "first";

    public ServiceProcess Service { get; }
    public HttpClient Http => Service.Http;

    private ModelReplica(ServiceProcess service) => Service = service;

    public static Task<ModelReplica> StartAsync(params string[] flags) => StartAsync(new ServiceOptions(), flags);

    /// <param name="options">What else the process gets (its environment); its arguments are these flags.</param>
    public static async Task<ModelReplica> StartAsync(ServiceOptions options, params string[] flags) => new(await ServiceProcess.StartAsync("InferenceService", options with
    {
        // One thread: test classes run in parallel on two cores, each with its own processes.
        Args = port => ["--port", port.ToString(), "--served-model-name", First, "--admin-key", AdminKey, "--threads", "1", "--seed", "0", .. flags],
        BindWithAspNetCoreUrls = false,
        HealthTimeout = TimeSpan.FromSeconds(120),
        HttpTimeout = TimeSpan.FromSeconds(300),
    }));

    /// <summary>A small random-weight Llama with stories260K's tokenizer, which the engine loads in well under a second.</summary>
    public static TinyModel SmallModel(int seed) =>
        TinyModel.Create(hidden: 48, heads: 4, kvHeads: 2, layers: 2, intermediate: 64, vocab: 512, seed: seed).WithTokenizerOf(TestData.Stories260K);

    public async Task<(int Status, JsonElement Body)> AdminAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", AdminKey);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(int Status, JsonElement Body)> LoadAsync(object body) => AdminAsync(HttpMethod.Post, "admin/models", body);

    /// <summary>GET /admin/models' entry for <paramref name="name"/>, or null when it is not listed.</summary>
    public async Task<JsonElement?> EntryAsync(string name)
    {
        var (status, body) = await AdminAsync(HttpMethod.Get, "admin/models");
        Assert.True(status == 200, body.ToString());
        foreach (var entry in body.GetProperty("data").EnumerateArray())
            if (entry.GetProperty("name").GetString() == name) return entry;
        return null;
    }

    /// <summary>Polls GET /admin/models until <paramref name="name"/>'s entry satisfies <paramref name="done"/> (null: not listed).</summary>
    public async Task<JsonElement?> WaitForAsync(string name, Func<JsonElement?, bool> done, string awaited)
    {
        JsonElement? entry = null;
        await Poll.UntilAsync(async () => done(entry = await EntryAsync(name)), $"{name} to be {awaited}", TimeSpan.FromSeconds(120));
        return entry;
    }

    public Task<JsonElement?> WaitForStateAsync(string name, string state) =>
        WaitForAsync(name, e => e is { } x && (x.GetProperty("state").GetString() == state || x.GetProperty("state").GetString() == "failed"), state);

    public static string State(JsonElement? entry) => entry?.GetProperty("state").GetString() ?? "absent";

    /// <summary>A greedy completion of <paramref name="model"/>: see <see cref="GreedyCompletion"/>.</summary>
    public Task<(int Status, string Text, string? Finish)> CompleteAsync(string model, string prompt, int maxTokens, bool stream = false, object? keepAlive = null) =>
        GreedyCompletion.RunAsync(Http, null, model, prompt, maxTokens, stream, keepAlive);

    /// <summary>See <see cref="TestProcess.AnonymousResidentBytes"/>.</summary>
    public long AnonymousResidentBytes() => Service.Process.AnonymousResidentBytes();

    public ValueTask DisposeAsync() => Service.DisposeAsync();
}
