using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ModelCacheService.Tests.Infrastructure;

/// <summary>
/// ModelCacheService running as a real process (its build output, on a free port of 127.0.0.1),
/// with helpers to call its REST API. Disposing kills it.
/// </summary>
public sealed class ModelCacheProcess : IAsyncDisposable
{
    private ModelCacheProcess(TestProcess process, Uri baseAddress, ModelCacheOptions options)
    {
        Process = process;
        Options = options;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public TestProcess Process { get; }
    public ModelCacheOptions Options { get; }
    public HttpClient Http { get; }
    public string CacheDirectory => Options.CacheDirectory;

    public static async Task<ModelCacheProcess> StartAsync(ModelCacheOptions options)
    {
        var dll = BuildOutput.ServiceDll("ModelCacheService");
        var port = FreePort.Next();
        var process = TestProcess.Start("ModelCacheService", DotNetHost.Path, [dll], options.ToEnvironment(port), Path.GetDirectoryName(dll));
        var service = new ModelCacheProcess(process, new Uri($"http://127.0.0.1:{port}/"), options);
        try
        {
            await service.WaitHealthyAsync(TimeSpan.FromSeconds(60));
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
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

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited) throw new InvalidOperationException($"ModelCacheService exited before /health answered 200.\n{Process.Describe()}");
            try
            {
                using var response = await Http.GetAsync("health");
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"ModelCacheService /health did not answer 200 in time (last: {last}).\n{Process.Describe()}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Process.DisposeAsync();
    }
}
