using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceService.Hosting;

/// <summary>
/// Resolves `--model org/name` through ModelCacheService (service discovery name `modelcache`): asks it to pull
/// the model (joining a pull already running), logs the progress, and returns the local snapshot folder to
/// load from (a volume both services share), or for a .gguf choice the one file it pulled. Errors carry the cache's own
/// message (gated: "accept the licence on the model page and set HF_TOKEN"; no such quantization: the repo's .gguf files).
/// </summary>
public sealed class ModelCacheClient(HttpClient http, ILogger<ModelCacheClient> logger)
{
    public async Task<string> PullAsync(RepoModel model, string revision, CancellationToken cancellationToken)
    {
        var repo = model.Repo;
        logger.LogInformation("Asking modelcache ({Endpoint}) for {Model}@{Revision}{Gguf}", http.BaseAddress, repo, revision,
            model.Gguf is null ? "" : $", the .gguf '{model.Gguf}'");
        using var start = await http.PostAsJsonAsync("api/models/pull",
            model.Gguf is null ? new { model = repo, revision } : (object)new { model = repo, revision, gguf = model.Gguf }, cancellationToken);
        var state = await ReadAsync(start, cancellationToken);
        string id = state.GetProperty("id").GetString()!;
        var lastLog = DateTime.MinValue;
        while (true)
        {
            string status = state.GetProperty("status").GetString()!;
            if (status == "completed")
            {
                var snapshot = state.GetProperty("snapshot_path").GetString()!;
                return model.Gguf is null ? snapshot : Path.Combine(snapshot, state.GetProperty("files")[0].GetProperty("name").GetString()!);
            }
            if (status == "failed")
                throw new InvalidOperationException($"Pulling {repo}@{revision} failed: {state.GetProperty("error").GetProperty("message").GetString()}");
            if (DateTime.UtcNow - lastLog > TimeSpan.FromSeconds(2))
            {
                long done = Bytes(state, "bytes_done"), total = Bytes(state, "bytes_total");
                logger.LogInformation("Pulling {Model}: {Status} {Done:N0}/{Total:N0} bytes ({Percent:F0}%)", repo, status, done, total,
                    total > 0 ? 100.0 * done / total : 0);
                lastLog = DateTime.UtcNow;
            }
            await Task.Delay(250, cancellationToken);
            using var poll = await http.GetAsync($"api/models/pull/{id}", cancellationToken);
            state = await ReadAsync(poll, cancellationToken);
        }
    }

    /// <summary>Byte counts are null until the file list is resolved.</summary>
    private static long Bytes(JsonElement state, string name) =>
        state.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (response.IsSuccessStatusCode) return body;
        string message = body.TryGetProperty("error", out var e) && e.TryGetProperty("message", out var m) ? m.GetString()! : response.ReasonPhrase ?? "";
        throw new InvalidOperationException($"modelcache answered {(int)response.StatusCode}: {message}");
    }
}
