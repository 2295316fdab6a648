using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Configuration;

namespace Gateway.Routing;

/// <summary>
/// Which models each replica serves, from its GET /v1/models: read before the gateway starts listening, then
/// every <see cref="GatewayOptions.ModelRefreshInterval"/>, and on demand when a request names an unknown model.
/// A replica that does not answer keeps its last known models; whether it gets traffic is the health checks' call.
/// With <see cref="GatewayOptions.UpstreamAdminKey"/>, each replica's GET /admin/models too: every model's state (a
/// model still pulling or loading somewhere is answered 503 model_loading rather than 404).
/// </summary>
public sealed class ModelCatalog : BackgroundService
{
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(3);

    private readonly IReadOnlyList<Replica> _replicas;
    private readonly GatewayOptions _options;
    private readonly ILogger<ModelCatalog> _logger;
    private readonly ConcurrentDictionary<string, ReplicaModels> _models = new();
    private readonly ConcurrentDictionary<string, IReadOnlyList<ReplicaModelStatus>> _states = new();
    private readonly ConcurrentDictionary<string, bool> _reachable = new();
    private readonly ReplicaAdminClient _admin;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    // Its own client, on purpose: the standard resilience handler's retries would hide a dead replica for seconds.
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = FetchTimeout };
    private long _refreshedAt;

    public ModelCatalog(IReadOnlyList<Replica> replicas, GatewayOptions options, ReplicaAdminClient admin, ILogger<ModelCatalog> logger)
    {
        _replicas = replicas;
        _admin = admin;
        _options = options;
        _logger = logger;
        if (!string.IsNullOrEmpty(options.UpstreamApiKey))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.UpstreamApiKey);
    }

    public bool Serves(string replicaId, string model) => _models.TryGetValue(replicaId, out var models) && models.Ids.Contains(model);

    /// <summary>True if some replica (healthy or not) is known to serve the model.</summary>
    public bool IsKnown(string model) => _models.Values.Any(m => m.Ids.Contains(model));

    public ReplicaModels? ModelsOf(string replicaId) => _models.GetValueOrDefault(replicaId);

    public IReadOnlyList<Replica> Replicas => _replicas;

    /// <summary>Whether the replica answered the last refresh.</summary>
    public bool IsReachable(string replicaId) => _reachable.GetValueOrDefault(replicaId);

    /// <summary>Every model on the replica with its state, as of the last refresh (null: not known, no admin key).</summary>
    public IReadOnlyList<ReplicaModelStatus>? StatesOf(string replicaId) => _states.GetValueOrDefault(replicaId);

    /// <summary>True while some reachable replica is pulling or loading the model.</summary>
    public bool IsComingUp(string model) =>
        _states.Any(s => IsReachable(s.Key) && s.Value.Any(m => m.Name == model && m.IsComingUp));

    /// <summary>The model's max_model_len as a replica serving it reports it, if one does.</summary>
    public int? MaxModelLen(string model) =>
        _models.Values.SelectMany(m => m.Entries)
            .Where(e => e.GetProperty("id").GetString() == model && e.TryGetProperty("max_model_len", out var length) && length.ValueKind == JsonValueKind.Number)
            .Select(e => (int?)e.GetProperty("max_model_len").GetInt32())
            .FirstOrDefault();

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Refreshes unless the last refresh is younger than <paramref name="age"/> (for unknown models).</summary>
    public async Task RefreshIfOlderThanAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _refreshedAt)) < age) return;
        await RefreshAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ModelRefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await RefreshAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads every replica now (after a deploy or undeploy, so its effect shows at once).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            await Task.WhenAll(_replicas.Select(r => RefreshReplicaAsync(r, cancellationToken)));
            Interlocked.Exchange(ref _refreshedAt, Stopwatch.GetTimestamp());
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task RefreshReplicaAsync(Replica replica, CancellationToken cancellationToken)
    {
        var states = _admin.Enabled ? RefreshStatesAsync(replica, cancellationToken) : Task.FromResult(true);
        bool served = await RefreshServedAsync(replica, cancellationToken);
        _reachable[replica.Id] = served && await states;
    }

    private async Task<bool> RefreshStatesAsync(Replica replica, CancellationToken cancellationToken)
    {
        try
        {
            _states[replica.Id] = await _admin.ListAsync(replica, cancellationToken);
            return true;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug("{Replica} /admin/models failed: {Reason}", replica.Id, error.Message);
            return false;
        }
    }

    private async Task<bool> RefreshServedAsync(Replica replica, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(replica.Address, "v1/models"), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                _logger.LogDebug("{Replica} /v1/models answered {Status}", replica.Id, (int)response.StatusCode);
                return false;
            }
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var models = ReplicaModels.Parse(document);
            var previous = _models.GetValueOrDefault(replica.Id);
            _models[replica.Id] = models;
            if (previous is null || !previous.Ids.SetEquals(models.Ids))
                _logger.LogInformation("{Replica} ({Address}) serves: {Models}", replica.Id, replica.Address, string.Join(", ", models.Ids));
            return true;
        }
        catch (Exception error) when (error is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug("{Replica} /v1/models failed: {Reason}", replica.Id, error.Message);
            return false;
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        _refreshing.Dispose();
        base.Dispose();
    }
}
