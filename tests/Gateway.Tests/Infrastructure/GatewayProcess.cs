using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// A Gateway process wired the way the AppHost wires it (ConnectionStrings__redis, Gateway__AdminKey,
/// services__inference__http__N), started and awaited until /health answers and every replica is
/// available with its models.
/// </summary>
public sealed class GatewayProcess : ServiceDriver
{
    public const string AdminKey = "test-admin-key-0123456789";

    private GatewayProcess(string name, ServiceProcess service) : base(service) => Name = name;

    public string Name { get; }

    public static Task<GatewayProcess> StartAsync(string name, IReadOnlyList<BackendProcess> replicas, RedisServer? redis,
        IReadOnlyDictionary<string, string>? settings = null) =>
        StartAsync(name, replicas.Select(r => r.Url).ToList(), redis, settings);

    /// <summary>A gateway in front of replicas given by URL (real InferenceService processes, say).</summary>
    public static async Task<GatewayProcess> StartAsync(string name, IReadOnlyList<string> replicaUrls, RedisServer? redis,
        IReadOnlyDictionary<string, string>? settings = null)
    {
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

        var service = await ServiceProcess.StartAsync("Gateway", new ServiceOptions
        {
            Name = name,
            Environment = environment,
            Ready = health => GatewayHealth.ReplicasReady(health, replicaUrls.Count),
            HealthKey = AdminKey,
        });
        return new GatewayProcess(name, service);
    }

    /// <summary>The /health document (any status code), with the details the admin key sees.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync()
    {
        using var response = await Http.SendAsync(Admin(HttpMethod.Get, "health"));
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

    public async Task<CreatedKey> CreateKeyAsync(string name, int? requestsPerMinute = null, int? tokensPerMinute = null, int? minPriority = null)
    {
        using var request = Admin(HttpMethod.Post, "admin/keys");
        request.Content = JsonContent.Create(new { name, requests_per_minute = requestsPerMinute, tokens_per_minute = tokensPerMinute, min_priority = minPriority });
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

    /// <summary>The gateway's /metrics (Prometheus text), read with the admin key.</summary>
    public async Task<string> MetricsAsync()
    {
        using var response = await Http.SendAsync(Admin(HttpMethod.Get, "metrics"));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public static HttpRequestMessage Admin(HttpMethod method, string path) => new(method, path)
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdminKey) },
    };
}

/// <summary>A key as the admin API returned it at creation (the only time the secret is shown).</summary>
public sealed record CreatedKey(string Id, string Name, string Secret);
