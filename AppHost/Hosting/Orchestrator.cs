using Microsoft.Extensions.Configuration;

namespace AppHost.Hosting;

/// <summary>
/// Runs the model locally: allocates ports, starts every replica once what it waits for is healthy, prints
/// the resource table when the first start is over and again whenever a state changes, runs the ready
/// callbacks, and on shutdown stops the replicas, dependents first.
/// </summary>
public sealed class Orchestrator(IReadOnlyList<Resource> resources, DistributedApplicationOptions options, IConfiguration configuration)
{
    private static readonly TimeSpan TableDebounce = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _tablePrinted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<ResourceProcess> _processes = [];
    private Timer? _tableTimer;

    public static void Log(string line) => Console.Out.WriteLine("AppHost: " + line);

    public async Task<int> RunAsync(CancellationToken shutdown)
    {
        var runnable = resources.Where(r => r.IsRunnable).ToList();
        new PortAllocator(options.RandomPorts, warning => Log("warning: " + warning)).AllocateAll(runnable);
        var values = new RunValues(OtlpSettings.From(configuration));
        var index = 0;
        _processes = runnable
            .SelectMany(r => Enumerable.Range(0, r.Replicas).Select(i => new ResourceProcess(
                r, i, () => ResourceLaunch.For(r, i, options, values), ResourceLog.For(r.InstanceName(i), index++), options.HealthTimeout)))
            .ToList();
        var healthy = runnable.ToDictionary(r => r, r => Task.WhenAll(_processes.Where(p => p.Resource == r).Select(p => p.FirstHealthy)));
        foreach (var process in _processes) process.Changed += OnChanged;
        OnChanged();

        Log($"starting {_processes.Count} resource replica(s); press Ctrl+C to stop." + (values.Otlp is { } otlp ? $" Telemetry: OTLP to {otlp.Endpoint}." : ""));
        var starts = _processes.Select(p => StartWhenReadyAsync(p, healthy, shutdown)).ToList();
        var readyCallbacks = runnable.Select(r => RunReadyCallbacksAsync(r, healthy[r], shutdown)).ToList();
        try
        {
            var everyFirstStart = Task.WhenAll(_processes.Select(p => p.FirstHealthy.ContinueWith(_ => { }, TaskScheduler.Default)));
            await Task.WhenAny(everyFirstStart, Task.Delay(options.HealthTimeout, shutdown));
            if (!shutdown.IsCancellationRequested)
            {
                PrintTable();
                _tablePrinted.TrySetResult();
            }
            await Task.Delay(Timeout.Infinite, shutdown);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C, SIGINT, SIGTERM, SIGHUP or SIGQUIT.
        }
        finally
        {
            Log("stopping resources...");
            await StopAllAsync();
            await Task.WhenAll(starts.Concat(readyCallbacks));
            lock (_lock) _tableTimer?.Dispose();
            WriteStateFile();
            Log("stopped.");
        }
        return 0;
    }

    private static async Task StartWhenReadyAsync(ResourceProcess process, Dictionary<Resource, Task> healthy, CancellationToken shutdown)
    {
        var dependencies = process.Resource.WaitsFor.Where(healthy.ContainsKey).ToList();
        try
        {
            if (dependencies.Any(d => !healthy[d].IsCompleted))
                process.Log($"waiting for {string.Join(", ", dependencies.Select(d => d.Name))} to be healthy.");
            await Task.WhenAll(dependencies.Select(d => healthy[d])).WaitAsync(shutdown);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception)
        {
            var failed = dependencies.Where(d => healthy[d].IsFaulted).Select(d => d.Name);
            process.FailBeforeStart($"{string.Join(", ", failed)} could not be started.");
            return;
        }
        if (!shutdown.IsCancellationRequested) process.Start();
    }

    private async Task RunReadyCallbacksAsync(Resource resource, Task healthy, CancellationToken shutdown)
    {
        if (resource.OnReady.Count == 0) return;
        try
        {
            await healthy.WaitAsync(shutdown);
            await _tablePrinted.Task.WaitAsync(shutdown);
        }
        catch (Exception)
        {
            return; // Never healthy, or shutting down.
        }
        foreach (var callback in resource.OnReady)
        {
            try
            {
                await callback(new ResourceReadyContext(resource, Log), shutdown);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log($"the ready callback of {resource.Name} failed: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Stops dependents before what they depend on (gateway before inference before redis), each tier in parallel.</summary>
    private async Task StopAllAsync()
    {
        foreach (var tier in _processes.GroupBy(p => Depth(p.Resource, [])).OrderByDescending(g => g.Key))
            await Task.WhenAll(tier.Select(p => p.StopAsync()));
    }

    private static int Depth(Resource resource, HashSet<Resource> visiting)
    {
        if (!visiting.Add(resource)) return 0;
        var dependencies = resource.WaitsFor.Concat(resource.References).Where(r => r.IsRunnable).Distinct().ToList();
        var depth = dependencies.Count == 0 ? 0 : 1 + dependencies.Max(d => Depth(d, visiting));
        visiting.Remove(resource);
        return depth;
    }

    private void OnChanged()
    {
        WriteStateFile();
        lock (_lock)
        {
            if (!_tablePrinted.Task.IsCompletedSuccessfully) return;
            _tableTimer ??= new Timer(_ => PrintTable());
            _tableTimer.Change(TableDebounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void PrintTable() => Console.Out.WriteLine(ResourceTable.Render(_processes));

    private void WriteStateFile()
    {
        if (options.StateFile is not { } path) return;
        lock (_lock)
        {
            try
            {
                ResourceStateFile.Write(path, _processes);
            }
            catch (IOException e)
            {
                Log($"could not write the state file {path}: {e.Message}");
            }
        }
    }
}
