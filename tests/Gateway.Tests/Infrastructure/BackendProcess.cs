using System.Net.Http.Json;
using Gateway.TestBackend;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// A Gateway.TestBackend process (the fast stand-in for InferenceService) serving the given model names.
/// It reports what it received (GET /test/requests), can hold a stream until released, and can play unhealthy.
/// </summary>
public sealed class BackendProcess : ServiceDriver
{
    private BackendProcess(string name, ServiceProcess service) : base(service) => Name = name;

    public string Name { get; }

    public static Task<BackendProcess> StartAsync(string name, params string[] models) => StartAsync(name, models, loading: []);

    /// <param name="loading">Models its GET /admin/models reports as loading.</param>
    public static async Task<BackendProcess> StartAsync(string name, string[] models, string[] loading)
    {
        var service = await ServiceProcess.StartAsync("Gateway.TestBackend", new ServiceOptions
        {
            Name = "backend " + name,
            ProjectDirectory = "tests/Gateway.TestBackend",
            Args = _ => ["--name", name, "--models", string.Join(',', models), .. loading.Length > 0 ? new[] { "--loading", string.Join(',', loading) } : []],
        });
        return new BackendProcess(name, service);
    }

    public async Task<IReadOnlyList<ReceivedRequest>> ReceivedAsync() =>
        await Http.GetFromJsonAsync<List<ReceivedRequest>>("test/requests") ?? [];

    public async Task ReleaseAsync(string requestId) => (await Http.PostAsync($"test/release/{requestId}", null)).EnsureSuccessStatusCode();

    /// <summary>The next <paramref name="count"/> completion requests are read and dropped without a byte of answer.</summary>
    public async Task CloseWithoutAnswerAsync(int count) =>
        (await Http.PostAsync($"test/close-without-answer/{count}", null)).EnsureSuccessStatusCode();

    public async Task SetHealthyAsync(bool healthy) =>
        (await Http.PostAsync($"test/health/{(healthy ? "true" : "false")}", null)).EnsureSuccessStatusCode();

    /// <summary>SIGKILL: the replica disappears mid-run, with whatever it was serving.</summary>
    public ValueTask KillAsync() => Process.DisposeAsync();
}
