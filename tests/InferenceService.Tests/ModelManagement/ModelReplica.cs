using System.Globalization;
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

    /// <summary>A greedy completion of <paramref name="model"/>: status, text (or the error body) and finish reason; streamed
    /// ones end with the error event's code as the finish reason when the stream ends in an error.</summary>
    public async Task<(int Status, string Text, string? Finish)> CompleteAsync(string model, string prompt, int maxTokens, bool stream = false, object? keepAlive = null)
    {
        var body = new Dictionary<string, object?> { ["model"] = model, ["prompt"] = prompt, ["max_tokens"] = maxTokens, ["temperature"] = 0, ["ignore_eos"] = true, ["stream"] = stream };
        if (keepAlive is not null) body["keep_alive"] = keepAlive;
        using var response = await Http.PostAsJsonAsync("v1/completions", body);
        var raw = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) return ((int)response.StatusCode, raw, null);
        if (!stream)
        {
            var choice = JsonDocument.Parse(raw).RootElement.GetProperty("choices")[0];
            return (200, choice.GetProperty("text").GetString()!, choice.GetProperty("finish_reason").GetString());
        }
        var text = new System.Text.StringBuilder();
        string? finish = null;
        foreach (var line in raw.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)))
        {
            var chunk = JsonDocument.Parse(line["data: ".Length..]).RootElement;
            if (chunk.TryGetProperty("error", out var error)) return (200, text.ToString(), error.GetProperty("code").GetString());
            foreach (var c in chunk.GetProperty("choices").EnumerateArray())
            {
                text.Append(c.GetProperty("text").GetString());
                if (c.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String) finish = f.GetString();
            }
        }
        return (200, text.ToString(), finish);
    }

    /// <summary>The process's anonymous resident memory (RssAnon of /proc/PID/status: VmRSS without the mapped files, whose
    /// pages come and go with the page cache), in bytes: where the weights and the KV cache live.</summary>
    public long AnonymousResidentBytes()
    {
        var line = File.ReadLines($"/proc/{Service.Process.Id}/status").First(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    public ValueTask DisposeAsync() => Service.DisposeAsync();
}
