using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// A Gateway process wired the way the AppHost wires it (ConnectionStrings__redis, Gateway__AdminKey,
/// services__inference__http__N, --urls), started and awaited until /health answers and every replica is
/// available with its models.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789";

    private GatewayProcess(string name, TestProcess process, Uri baseAddress)
    {
        Name = name;
        Process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }
    public TestProcess Process { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }

    public static Task<GatewayProcess> StartAsync(string name, IReadOnlyList<BackendProcess> replicas, RedisServer? redis,
        IReadOnlyDictionary<string, string>? settings = null) =>
        StartAsync(name, replicas.Select(r => r.Url).ToList(), redis, settings);

    /// <summary>A gateway in front of replicas given by URL (real InferenceService processes, say).</summary>
    public static async Task<GatewayProcess> StartAsync(string name, IReadOnlyList<string> replicaUrls, RedisServer? redis,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = BuildOutput.ServiceDll("Gateway");
        var port = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["Gateway__AdminKey"] = AdminKey,
            // Fast health and model checks so tests see replica changes within a few seconds.
            ["Gateway__HealthCheckInterval"] = "00:00:01",
            ["Gateway__ModelRefreshInterval"] = "00:00:01",
            ["Gateway__PassiveReactivationPeriod"] = "00:01:00",
        };
        if (redis is not null) environment["ConnectionStrings__redis"] = redis.ConnectionString;
        for (var i = 0; i < replicaUrls.Count; i++) environment[$"services__inference__http__{i}"] = replicaUrls[i];
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;

        var process = TestProcess.Start(name, DotNetHost.Path, [dll, "--urls", $"http://127.0.0.1:{port}"], environment,
            workingDirectory: Path.GetDirectoryName(dll));
        var gateway = new GatewayProcess(name, process, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await gateway.WaitReadyAsync(replicaUrls.Count, TimeSpan.FromSeconds(60));
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>The /health document (any status code).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync()
    {
        using var response = await Http.GetAsync("health");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body);
    }

    /// <summary>Whether the replica (inference-N) is currently available according to /health.</summary>
    public async Task<bool> ReplicaAvailableAsync(int index)
    {
        var (_, body) = await HealthAsync();
        return body.GetProperty("entries").TryGetProperty("replicas", out var replicas) &&
               replicas.GetProperty("data").GetProperty($"inference-{index}").GetProperty("available").GetBoolean();
    }

    public async Task<CreatedKey> CreateKeyAsync(string name, int? requestsPerMinute = null, int? tokensPerMinute = null)
    {
        using var request = Admin(HttpMethod.Post, "admin/keys");
        request.Content = JsonContent.Create(new { name, requests_per_minute = requestsPerMinute, tokens_per_minute = tokensPerMinute });
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating key {name}: {(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return new CreatedKey(json.GetProperty("id").GetString()!, name, json.GetProperty("key").GetString()!);
    }

    public async Task RevokeKeyAsync(string id)
    {
        using var request = Admin(HttpMethod.Delete, $"admin/keys/{id}");
        using var response = await Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"revoking {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static HttpRequestMessage Admin(HttpMethod method, string path) => new(method, path)
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdminKey) },
    };

    private async Task WaitReadyAsync(int replicaCount, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited) throw new InvalidOperationException($"{Name} exited.\n{Process.Describe()}");
            try
            {
                var (status, body) = await HealthAsync();
                last = $"{(int)status} {body}";
                if (status == HttpStatusCode.OK && AllReplicasReady(body, replicaCount)) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                last = e.Message;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name} not ready within {timeout.TotalSeconds:0} s (last /health: {last}).\n{Process.Describe()}");
    }

    private static bool AllReplicasReady(JsonElement health, int replicaCount)
    {
        if (replicaCount == 0) return true;
        if (!health.GetProperty("entries").TryGetProperty("replicas", out var replicas)) return false;
        var data = replicas.GetProperty("data");
        for (var i = 0; i < replicaCount; i++)
        {
            if (!data.TryGetProperty($"inference-{i}", out var replica)) return false;
            if (!replica.GetProperty("available").GetBoolean() || replica.GetProperty("models").GetArrayLength() == 0) return false;
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Process.DisposeAsync();
    }
}

/// <summary>A key as the admin API returned it at creation (the only time the secret is shown).</summary>
public sealed record CreatedKey(string Id, string Name, string Secret);
