using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// Redis, a fake hub with the model cache in front of it, two real InferenceService replicas that pull through that cache
/// (stories260K served as "first", the replica admin API on) on ports of their own, so a replica can be killed and started
/// again at the same address, and a gateway in front of them that holds the replicas' admin key (Gateway__UpstreamAdminKey),
/// so it sees model states and deploys.
/// </summary>
public sealed class DeploymentCluster : IAsyncLifetime
{
    public const string ReplicaAdminKey = "sk-replica-admin-20";
    public const string First = "first";
    private const string CacheKey = "modelcache-key-for-deployments";

    private readonly int[] _ports = [FreePort.Next(), FreePort.Next()];
    private readonly ServiceProcess?[] _replicas = new ServiceProcess?[2];

    public RedisServer Redis { get; private set; } = null!;
    public HubAndService Hub { get; private set; } = null!;
    public GatewayProcess Gateway { get; private set; } = null!;
    public CreatedKey Key { get; private set; } = null!;

    /// <summary>A small random-weight Llama with stories260K's tokenizer (loads in well under a second).</summary>
    public TinyModel Model { get; } = TinyModel.Create(hidden: 48, heads: 4, kvHeads: 2, layers: 2, intermediate: 64, vocab: 512, seed: 20)
        .WithTokenizerOf(TestData.Stories260K);

    public ServiceProcess Replica(int index) => _replicas[index] ?? throw new InvalidOperationException($"replica {index} is stopped");

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Hub = await HubAndService.StartAsync(o => o with { ApiKey = CacheKey });
        await Task.WhenAll(StartReplicaAsync(0), StartReplicaAsync(1));
        Gateway = await GatewayProcess.StartAsync("gateway-deployments", _ports.Select(p => $"http://127.0.0.1:{p}").ToList(), Redis,
            new Dictionary<string, string> { ["Gateway__UpstreamAdminKey"] = ReplicaAdminKey });
        Key = await Gateway.CreateKeyAsync("deployments");
    }

    /// <summary>Starts replica <paramref name="index"/> (again) at its address.</summary>
    public async Task StartReplicaAsync(int index)
    {
        var service = ServiceProcess.Start("InferenceService", _ports[index], new ServiceOptions
        {
            Name = $"replica-{index}",
            Args = port => ["--port", port.ToString(CultureInfo.InvariantCulture), "--served-model-name", First, "--admin-key", ReplicaAdminKey,
                "--threads", "1", "--seed", "0"],
            BindWithAspNetCoreUrls = false,
            Environment = new Dictionary<string, string> { ["services__modelcache__http__0"] = Hub.Service.Url, ["ModelCache__ApiKey"] = CacheKey },
            HttpTimeout = TimeSpan.FromMinutes(2),
        });
        await service.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        _replicas[index] = service;
    }

    /// <summary>SIGKILL: the replica and every model it loaded at run time are gone.</summary>
    public async Task KillReplicaAsync(int index)
    {
        await Replica(index).DisposeAsync();
        _replicas[index] = null;
    }

    /// <summary>An admin call to the gateway (or to <paramref name="via"/>, another one): status and JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> AdminAsync(HttpMethod method, string path, object? body = null, GatewayProcess? via = null)
    {
        using var request = GatewayProcess.Admin(method, path);
        if (body is not null) request.Content = body as HttpContent ?? JsonContent.Create(body);
        using var response = await (via ?? Gateway).Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The names of the models replica <paramref name="index"/>'s own GET /admin/models lists, with their states.</summary>
    public async Task<Dictionary<string, string>> ReplicaModelsAsync(int index) =>
        (await ReplicaEntriesAsync(index)).ToDictionary(e => e.Key, e => e.Value.GetProperty("state").GetString()!);

    /// <summary>Replica <paramref name="index"/>'s own GET /admin/models entries (state, memory, requests) by model name.</summary>
    public async Task<Dictionary<string, JsonElement>> ReplicaEntriesAsync(int index)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "admin/models");
        request.Headers.Authorization = new("Bearer", ReplicaAdminKey);
        using var response = await Replica(index).Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("data").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.Clone());
    }

    /// <summary>A greedy completion through <paramref name="http"/> (the gateway with the key, or a replica): status and text or body.</summary>
    public static async Task<(HttpStatusCode Status, string Text)> CompleteAsync(HttpClient http, string? key, string model,
        string prompt = "Once upon a time", int maxTokens = 8)
    {
        var (status, text, _) = await GreedyCompletion.RunAsync(http, key, model, prompt, maxTokens);
        return ((HttpStatusCode)status, text);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        foreach (var replica in _replicas) if (replica is not null) await replica.DisposeAsync();
        await Redis.DisposeAsync();
        await Hub.DisposeAsync();
        Model.Dispose();
    }
}
