using AdminDashboard.Clients;
using AdminDashboard.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using HealthReport = AdminDashboard.Clients.HealthReport;

namespace AdminDashboard.Monitoring;

/// <summary>
/// Checks every resource each <see cref="DashboardOptions.RefreshInterval"/>: the services' /health (gateway, model
/// cache, each inference replica, this dashboard), Redis with PING, and which models each replica serves.
/// Pages read <see cref="Current"/> and re-render on <see cref="Changed"/>.
/// </summary>
public sealed class HealthMonitor(
    ServiceEndpoints endpoints, DashboardOptions options, HealthClient health, InferenceClient inference,
    HealthCheckService selfChecks, IServer server, ILogger<HealthMonitor> log) : BackgroundService
{
    private volatile PlatformSnapshot _current = PlatformSnapshot.Empty;
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    public PlatformSnapshot Current => _current;

    /// <summary>Raised after each round (on a background thread).</summary>
    public event Action<PlatformSnapshot>? Changed;

    /// <summary>Checks now (e.g. a page's refresh button) instead of waiting for the next round.</summary>
    public async Task<PlatformSnapshot> RefreshAsync(CancellationToken ct)
    {
        await _refreshing.WaitAsync(ct);
        try
        {
            var checks = new List<Task<ResourceStatus>>();
            // The gateway shows its checks' details (replicas, Redis) to its admin key only: the dashboard's.
            if (endpoints.GatewayUrl is { } gateway) checks.Add(CheckServiceAsync("gateway", ResourceStatus.KindGateway, gateway, ct, options.AdminKey));
            if (endpoints.ModelCacheUrl is { } cache) checks.Add(CheckServiceAsync("modelcache", ResourceStatus.KindModelCache, cache, ct));
            for (var i = 0; i < endpoints.InferenceUrls.Count; i++)
                checks.Add(CheckReplicaAsync(ServiceEndpoints.ReplicaName(i), endpoints.InferenceUrls[i], ct));
            if (endpoints.Redis is { } redis) checks.Add(CheckRedisAsync(redis, ct));
            checks.Add(CheckSelfAsync(ct));
            var snapshot = new PlatformSnapshot(await Task.WhenAll(checks), DateTimeOffset.UtcNow);
            _current = snapshot;
            Changed?.Invoke(snapshot);
            return snapshot;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RefreshInterval);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Health round failed");
            }
        } while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<ResourceStatus> CheckServiceAsync(string name, string kind, Uri url, CancellationToken ct, string? bearer = null)
    {
        var (report, latency) = await health.CheckAsync(url, ct, bearer);
        return new ResourceStatus(name, kind, url.ToString(), report, latency);
    }

    private async Task<ResourceStatus> CheckReplicaAsync(string name, Uri url, CancellationToken ct)
    {
        var healthTask = health.CheckAsync(url, ct);
        IReadOnlyList<ServedModel>? models = null;
        string? modelsError = null;
        try
        {
            models = await inference.ModelsAsync(name, url, ct);
        }
        catch (ServiceException e)
        {
            modelsError = e.Display;
        }
        var (report, latency) = await healthTask;
        return new ResourceStatus(name, ResourceStatus.KindInference, url.ToString(), report, latency, models, modelsError);
    }

    private async Task<ResourceStatus> CheckRedisAsync(string connectionString, CancellationToken ct)
    {
        var (report, latency) = await RedisPing.CheckAsync(connectionString, options.RequestTimeout, ct);
        return new ResourceStatus("redis", ResourceStatus.KindRedis, RedisPing.Display(connectionString), report, latency);
    }

    private async Task<ResourceStatus> CheckSelfAsync(CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await selfChecks.CheckHealthAsync(ct);
        var entries = result.Entries.Select(e => new HealthEntry(e.Key, e.Value.Status.ToString(), e.Value.Description ?? e.Value.Exception?.Message,
            e.Value.Duration.ToString(), e.Value.Data.Select(d => new KeyValuePair<string, string>(d.Key, d.Value?.ToString() ?? "")).ToList(),
            e.Value.Tags.ToList())).ToList();
        var report = new HealthReport(result.Status.ToString(), result.TotalDuration.ToString(), entries, null, null);
        var url = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return new ResourceStatus("dashboard", ResourceStatus.KindDashboard, url is null ? null : url.TrimEnd('/') + "/", report,
            System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    public override void Dispose()
    {
        _refreshing.Dispose();
        base.Dispose();
    }
}
