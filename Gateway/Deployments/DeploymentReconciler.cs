using System.Collections.Concurrent;
using System.Text.Json;
using Gateway.Configuration;
using Gateway.Keys;
using Gateway.Routing;

namespace Gateway.Deployments;

/// <summary>
/// Brings the replicas to the desired deployments every <see cref="GatewayOptions.ModelRefreshInterval"/>, like a
/// controller: a target replica that is reachable and does not hold the model (never loaded, restarted, or unloaded by
/// its memory policy) is sent POST /admin/models; a failed load is tried again after a back-off (5 s, doubling to 5 min);
/// an undeployed model is unloaded (DELETE) from every replica that holds it, and forgotten once none does. What it
/// sees of the replicas is the <see cref="ModelCatalog"/>'s last refresh. The configured deployments
/// (<see cref="GatewayOptions.Deployments"/>) are added first, each once it can be placed, unless one of its name exists.
/// </summary>
public sealed class DeploymentReconciler(IDeploymentStore store, ModelCatalog catalog, ReplicaAdminClient admin, GatewayOptions options,
    TimeProvider time, ILogger<DeploymentReconciler> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5), LastRetry = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<(string Deployment, string Replica), LoadFailure> _failures = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    // Checked at startup (GatewayServices), so every one parses; each leaves once it is added.
    private readonly Dictionary<string, DeploymentRequest> _configured = options.Deployments.ToDictionary(
        d => d.Key, d => DeploymentRequest.FromSettings(d.Key, d.Value).Request!, StringComparer.Ordinal);

    /// <summary>The last failed load of a deployment on a replica, and when it is tried again.</summary>
    /// <param name="Load">The replica's number of the load that failed; null when it refused the load at once (with <paramref name="Status"/>).</param>
    public sealed record LoadFailure(int Count, DateTimeOffset RetryAt, string Message, string? Code, int? Load, int? Status);

    public LoadFailure? FailureOf(string deployment, string replica) => _failures.GetValueOrDefault((deployment, replica));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!admin.Enabled) return;
        using var timer = new PeriodicTimer(options.ModelRefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ReconcileAsync(stoppingToken);
                }
                catch (KeyStoreUnavailableException error)
                {
                    logger.LogWarning("Deployments not reconciled: {Reason}", error.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass over every desired deployment.</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await AddConfiguredAsync();
            foreach (var deployment in await store.ListAsync())
            {
                if (deployment.Undeploying) await UndeployAsync(deployment, cancellationToken);
                else await DeployAsync(deployment, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task AddConfiguredAsync()
    {
        foreach (var (name, request) in _configured.ToList())
        {
            var (targets, refusal, _, _) = DeploymentPlacement.Choose(request, catalog);
            if (targets is null)
            {
                logger.LogDebug("Configured deployment {Name} waits: {Reason}", name, refusal);
                continue;
            }
            if (await store.AddAsync(new Deployment(request.Name, request.Spec, targets, time.GetUtcNow())))
                logger.LogInformation("Configured deployment {Name} added on {Replicas}", name, string.Join(", ", targets));
            _configured.Remove(name);
        }
    }

    private async Task DeployAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        foreach (var replica in deployment.Replicas.Select(Find).OfType<Replica>().Where(r => catalog.IsReachable(r.Id)))
        {
            var key = (deployment.Name, replica.Id);
            var status = catalog.StatesOf(replica.Id)?.FirstOrDefault(s => s.Name == deployment.Name);
            if (status is { State: "ready" }) _failures.TryRemove(key, out _);
            if (status is { State: "pulling" or "loading" or "ready" or "draining" }) continue;
            if (status is { State: "failed" }) Failed(key, status.ErrorMessage ?? "the load failed", status.ErrorCode, status.Loads, null);
            if (_failures.TryGetValue(key, out var failure) && time.GetUtcNow() < failure.RetryAt) continue;
            try
            {
                var (code, body) = await admin.LoadAsync(replica, deployment.Spec, cancellationToken);
                if (code is >= 200 and < 300)
                {
                    logger.LogInformation("Deployment {Name}: loading on {Replica}", deployment.Name, replica.Id);
                    continue;
                }
                Failed(key, ReplicaAdminClient.Message(body), ErrorCode(body), load: null, code);
                logger.LogWarning("Deployment {Name}: {Replica} refused the load ({Status}): {Reason}", deployment.Name, replica.Id, code,
                    ReplicaAdminClient.Message(body));
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogDebug("Deployment {Name}: {Replica} not reached: {Reason}", deployment.Name, replica.Id, error.Message);
            }
        }
    }

    private async Task UndeployAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        bool held = false;
        foreach (var replica in catalog.Replicas.Where(r => catalog.IsReachable(r.Id)))
        {
            var status = catalog.StatesOf(replica.Id)?.FirstOrDefault(s => s.Name == deployment.Name);
            if (status is null || status.State == "unloaded") continue;
            held = true;
            if (status.State == "draining") continue;
            try
            {
                var (code, body) = await admin.UnloadAsync(replica, deployment.Name, deployment.Grace, cancellationToken);
                if (code is not (>= 200 and < 300 or 404))
                    logger.LogWarning("Deployment {Name}: {Replica} refused the unload ({Status}): {Reason}", deployment.Name, replica.Id, code,
                        ReplicaAdminClient.Message(body));
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogDebug("Deployment {Name}: {Replica} not reached: {Reason}", deployment.Name, replica.Id, error.Message);
            }
        }
        if (held) return;
        await store.RemoveAsync(deployment.Name);
        foreach (var key in _failures.Keys.Where(k => k.Deployment == deployment.Name)) _failures.TryRemove(key, out _);
        logger.LogInformation("Deployment {Name}: undeployed from every replica", deployment.Name);
    }

    /// <summary>Records a failure and its back-off. <paramref name="load"/>: the replica's number of the failed load (it
    /// reports that load as failed until the next one starts, which counts once); null for a load it refused at once.</summary>
    private void Failed((string, string) key, string message, string? code, int? load, int? status)
    {
        var previous = _failures.GetValueOrDefault(key);
        if (load is not null && previous?.Load == load) return;
        int count = (previous?.Count ?? 0) + 1;
        var wait = TimeSpan.FromTicks(Math.Min(LastRetry.Ticks, FirstRetry.Ticks << Math.Min(count - 1, 16)));
        _failures[key] = new LoadFailure(count, time.GetUtcNow() + wait, message, code, load, status);
    }

    private Replica? Find(string id) => catalog.Replicas.FirstOrDefault(r => r.Id == id);

    private static string? ErrorCode(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
            && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}
