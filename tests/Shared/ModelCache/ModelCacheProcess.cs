using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tests.Shared;

/// <summary>
/// ModelCacheService running as a real process (its build output, on a free port of 127.0.0.1),
/// with helpers to call its REST API. Disposing kills it.
/// </summary>
public sealed class ModelCacheProcess : ServiceDriver
{
    private ModelCacheProcess(ServiceProcess service, ModelCacheOptions options) : base(service) => Options = options;

    public ModelCacheOptions Options { get; }
    public string CacheDirectory => Options.CacheDirectory;

    public static async Task<ModelCacheProcess> StartAsync(ModelCacheOptions options)
    {
        var service = await ServiceProcess.StartAsync("ModelCacheService", new ServiceOptions
        {
            Environment = options.ToEnvironment(),
            HttpTimeout = TimeSpan.FromSeconds(60),
        });
        if (options.ApiKey is not null) service.Http.DefaultRequestHeaders.Authorization = new("Bearer", options.ApiKey);
        return new ModelCacheProcess(service, options);
    }

    /// <summary>POST /api/models/pull; asserts 202 and returns the pull state.</summary>
    public async Task<JsonElement> StartPullAsync(string model, string? revision = null)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "api/models/pull", revision is null ? new { model } : new { model, revision });
        Assert.True(status == HttpStatusCode.Accepted, $"POST /api/models/pull answered {(int)status}: {body}\n{Process.Describe()}");
        return body;
    }

    /// <summary>Polls GET /api/models/pull/{id} until the pull has finished; returns its final state.</summary>
    public async Task<JsonElement> WaitForPullAsync(string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var (status, state) = await SendAsync(HttpMethod.Get, $"api/models/pull/{id}");
            Assert.True(status == HttpStatusCode.OK, $"GET pull {id} answered {(int)status}: {state}");
            if (state.GetProperty("status").GetString() is "completed" or "failed") return state;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Pull {id} did not finish in time: {state}\n{Process.Describe()}");
            await Task.Delay(100);
        }
    }

    public async Task<JsonElement> PullAsync(string model, string? revision = null) =>
        await WaitForPullAsync((await StartPullAsync(model, revision)).GetProperty("id").GetString()!);

    /// <summary>Sends a request (with a JSON body when given) and returns the status and the parsed JSON answer.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is string raw) request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            using var json = JsonDocument.Parse(text);
            return (response.StatusCode, json.RootElement.Clone());
        }
        catch (JsonException)
        {
            Assert.Fail($"{method} {path} answered {(int)response.StatusCode} with a body that is not JSON: '{text}'");
            throw;
        }
    }
}
