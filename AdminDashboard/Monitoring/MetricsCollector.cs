using AdminDashboard.Clients;
using AdminDashboard.Configuration;

namespace AdminDashboard.Monitoring;

/// <summary>
/// Scrapes every inference replica's /metrics each <see cref="DashboardOptions.MetricsInterval"/> and keeps
/// <see cref="DashboardOptions.MetricsHistory"/> of ticks, from which the Metrics page derives its charts.
/// </summary>
public sealed class MetricsCollector(ServiceEndpoints endpoints, DashboardOptions options, ServiceHttp http, ILogger<MetricsCollector> log)
    : BackgroundService
{
    private readonly Lock _lock = new();
    private readonly LinkedList<MetricsTick> _ticks = new();
    private readonly string?[] _errors = new string?[endpoints.InferenceUrls.Count];

    /// <summary>Raised after each scrape round (on a background thread).</summary>
    public event Action? Updated;

    public IReadOnlyList<Uri> Replicas => endpoints.InferenceUrls;

    public IReadOnlyList<MetricsTick> Ticks
    {
        get
        {
            lock (_lock) return _ticks.ToList();
        }
    }

    /// <summary>Why the last scrape of each replica failed (null where it worked).</summary>
    public IReadOnlyList<string?> Errors
    {
        get
        {
            lock (_lock) return _errors.ToArray();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (endpoints.InferenceUrls.Count == 0) return;
        using var timer = new PeriodicTimer(options.MetricsInterval);
        do
        {
            try
            {
                await ScrapeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Metrics round failed");
            }
        } while (await WaitAsync(timer, stoppingToken));
    }

    private async Task ScrapeAsync(CancellationToken ct)
    {
        var at = DateTimeOffset.UtcNow;
        var samples = await Task.WhenAll(endpoints.InferenceUrls.Select((url, i) => ScrapeReplicaAsync(i, url, ct)));
        lock (_lock)
        {
            _ticks.AddLast(new MetricsTick(at, samples));
            while (_ticks.First is { } first && at - first.Value.At > options.MetricsHistory) _ticks.RemoveFirst();
        }
        Updated?.Invoke();
    }

    private async Task<ScrapeSample?> ScrapeReplicaAsync(int index, Uri url, CancellationToken ct)
    {
        try
        {
            using var response = await http.SendAsync(ServiceEndpoints.ReplicaName(index), new HttpRequestMessage(HttpMethod.Get, new Uri(url, "metrics")), ct);
            var sample = PrometheusText.Parse(await response.Content.ReadAsStringAsync(ct));
            lock (_lock) _errors[index] = null;
            return sample;
        }
        catch (ServiceException e)
        {
            lock (_lock) _errors[index] = e.Display;
            return null;
        }
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
}
