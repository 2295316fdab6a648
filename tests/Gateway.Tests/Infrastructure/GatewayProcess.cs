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
        IReadOnlyDictionary<string, string>? settings = null, int? httpsPort = null) =>
        StartAsync(name, replicas.Select(r => r.Url).ToList(), redis, settings, httpsPort);

    /// <summary>A gateway in front of replicas given by URL (real InferenceService processes, say); with <paramref name="httpsPort"/>,
    /// also listening on https://127.0.0.1:PORT (the settings then give it a certificate).</summary>
    public static async Task<GatewayProcess> StartAsync(string name, IReadOnlyList<string> replicaUrls, RedisServer? redis,
        IReadOnlyDictionary<string, string>? settings = null, int? httpsPort = null)
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
            Args = port => httpsPort is null ? [] : ["--urls", $"http://127.0.0.1:{port};https://127.0.0.1:{httpsPort}"],
            BindWithAspNetCoreUrls = httpsPort is null,
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

    /// <summary>The gateway's gateway_tokens_total for the key's tokens of <paramref name="kind"/> ("prompt" or "completion"), once
    /// it has reached <paramref name="expected"/> (the exporter caches a scrape briefly) or after 15 s.</summary>
    public async Task<long> MeteredTokensAsync(string keyName, string kind, long expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        long value;
        do
        {
            var line = (await MetricsAsync()).Split('\n')
                .FirstOrDefault(l => l.StartsWith("gateway_tokens_total{", StringComparison.Ordinal) && l.Contains($"key=\"{keyName}\"") && l.Contains($"kind=\"{kind}\""));
            value = line is null ? 0 : long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            if (value == expected) break;
            await Task.Delay(250);
        } while (DateTime.UtcNow < deadline);
        return value;
    }

    public static HttpRequestMessage Admin(HttpMethod method, string path) => new(method, path)
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdminKey) },
    };
}

/// <summary>A key as the admin API returned it at creation (the only time the secret is shown).</summary>
public sealed record CreatedKey(string Id, string Name, string Secret);
