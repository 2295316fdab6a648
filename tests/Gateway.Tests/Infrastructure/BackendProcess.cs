using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// A Gateway.TestBackend process (the fast stand-in for InferenceService) serving the given model names.
/// It reports what it received (GET /test/requests), can hold a stream until released, and can play unhealthy.
/// </summary>
public sealed class BackendProcess : IAsyncDisposable
{
    private BackendProcess(string name, TestProcess process, Uri baseAddress)
    {
        Name = name;
        Process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Name { get; }
    public TestProcess Process { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }

    /// <summary>The URL as the gateway is given it (services__inference__http__N).</summary>
    public string Url => BaseAddress.ToString().TrimEnd('/');

    public static async Task<BackendProcess> StartAsync(string name, params string[] models)
    {
        var dll = BuildOutput.ServiceDll("Gateway.TestBackend", "tests/Gateway.TestBackend");
        var port = FreePort.Next();
        var process = TestProcess.Start("backend " + name, DotNetHost.Path,
            [dll, "--urls", $"http://127.0.0.1:{port}", "--name", name, "--models", string.Join(',', models)],
            workingDirectory: Path.GetDirectoryName(dll));
        var backend = new BackendProcess(name, process, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"{name} exited.\n{process.Describe()}");
            try
            {
                using var response = await backend.Http.GetAsync("health");
                if (response.StatusCode == HttpStatusCode.OK) return backend;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{name} did not become healthy.\n{process.Describe()}");
            await Task.Delay(100);
        }
    }

    public async Task<IReadOnlyList<Received>> ReceivedAsync() =>
        await Http.GetFromJsonAsync<List<Received>>("test/requests") ?? [];

    public async Task ReleaseAsync(string requestId) => (await Http.PostAsync($"test/release/{requestId}", null)).EnsureSuccessStatusCode();

    public async Task SetHealthyAsync(bool healthy) =>
        (await Http.PostAsync($"test/health/{(healthy ? "true" : "false")}", null)).EnsureSuccessStatusCode();

    /// <summary>SIGKILL: the replica disappears mid-run, with whatever it was serving.</summary>
    public ValueTask KillAsync() => Process.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Process.DisposeAsync();
    }

    public sealed record Received(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("path")] string Path,
        [property: JsonPropertyName("model")] string? Model,
        [property: JsonPropertyName("stream")] bool Stream,
        [property: JsonPropertyName("include_usage")] bool IncludeUsage,
        [property: JsonPropertyName("authorization")] string? Authorization,
        [property: JsonPropertyName("traceparent")] string? Traceparent);
}
