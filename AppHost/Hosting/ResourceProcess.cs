using System.ComponentModel;
using System.Diagnostics;

namespace AppHost.Hosting;

/// <summary>
/// One replica of a resource as a child process: output prefixed to the console, health watched, restarted
/// with a backoff when it exits unexpectedly (on the same port), stopped with its process tree.
/// </summary>
public sealed class ResourceProcess(Resource resource, int replica, Func<ResourceLaunch> launch, ResourceLog log, TimeSpan healthWarningAfter)
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StartingProbeInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan HealthyProbeInterval = TimeSpan.FromSeconds(5);

    /// <summary>Runs children in their own session, so a terminal's Ctrl+C reaches only the AppHost, which stops them in order.</summary>
    private static readonly string? SetSid = OperatingSystem.IsLinux() && File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : null;

    private readonly TaskCompletionSource _firstHealthy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task? _loop;
    private Process? _process;

    public Resource Resource { get; } = resource;

    public int Replica { get; } = replica;

    public string Name => Resource.InstanceName(Replica);

    public ResourceState State { get; private set; } = ResourceState.Waiting;

    public int? ProcessId { get; private set; }

    public int Restarts { get; private set; }

    /// <summary>Raised (on any thread) when the state, process id or restart count changes.</summary>
    public event Action? Changed;

    /// <summary>Completes when the replica is first healthy; faults if it cannot be started.</summary>
    public Task FirstHealthy => _firstHealthy.Task;

    public void Log(string line) => log.Write(line);

    /// <summary>Starts the process and keeps it running (restarts) until <see cref="StopAsync"/>.</summary>
    public void Start()
    {
        lock (_gate)
            if (!_stop.IsCancellationRequested) _loop ??= Task.Run(RunAsync);
    }

    /// <summary>Neither this replica nor what it waits for could start: it never will.</summary>
    public void FailBeforeStart(string reason)
    {
        log.Write($"not started: {reason}");
        SetState(ResourceState.FailedToStart);
        _firstHealthy.TrySetException(new InvalidOperationException(reason));
    }

    private async Task RunAsync()
    {
        var failures = 0;
        while (!_stop.IsCancellationRequested)
        {
            Process process;
            try
            {
                process = Spawn(launch());
            }
            catch (Exception e) // Not found, not buildable, not startable: reported in the table, never retried.
            {
                FailBeforeStart(e is Win32Exception or FileNotFoundException or InvalidOperationException ? e.Message : e.ToString());
                return;
            }
            var startedAt = Stopwatch.GetTimestamp();
            using var running = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var health = WatchHealthAsync(process, running.Token);
            try
            {
                await process.WaitForExitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                break; // Stopping: StopAsync ends the process.
            }
            await running.CancelAsync();
            await health;

            if (Stopwatch.GetElapsedTime(startedAt) > RestartBackoff.StableAfter) failures = 0;
            var delay = RestartBackoff.Delay(failures++);
            log.Write($"exited with code {process.ExitCode}; restarting in {delay.TotalSeconds:0} s.");
            SetState(ResourceState.Restarting);
            try
            {
                await Task.Delay(delay, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            Restarts++;
        }
    }

    private Process Spawn(ResourceLaunch launch)
    {
        var startInfo = new ProcessStartInfo(SetSid ?? launch.FileName)
        {
            WorkingDirectory = launch.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (SetSid is not null) startInfo.ArgumentList.Add(launch.FileName);
        foreach (var arg in launch.Args) startInfo.ArgumentList.Add(arg);
        foreach (var (key, value) in launch.Environment)
            if (value is null) startInfo.Environment.Remove(key);
            else startInfo.Environment[key] = value;

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Write(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Write(e.Data); };
        process.Start();
        _process?.Dispose();
        _process = process;
        ProcessId = process.Id;
        log.Write($"started (pid {process.Id}): {launch}");
        SetState(ResourceState.Starting);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Probes health until the process exits: quickly while starting, every few seconds once healthy.</summary>
    private async Task WatchHealthAsync(Process process, CancellationToken cancel)
    {
        if (Resource.HealthCheck is not { } check)
        {
            SetState(ResourceState.Running);
            _firstHealthy.TrySetResult();
            return;
        }
        var startedAt = Stopwatch.GetTimestamp();
        var warned = false;
        try
        {
            while (!cancel.IsCancellationRequested && !process.HasExited)
            {
                var healthy = await check.IsHealthyAsync(Resource, Replica, cancel);
                if (process.HasExited) return;
                if (healthy && State != ResourceState.Healthy)
                {
                    if (State == ResourceState.Starting) log.Write($"healthy ({Stopwatch.GetElapsedTime(startedAt).TotalSeconds:0.0} s after start).");
                    else log.Write("healthy again.");
                    SetState(ResourceState.Healthy);
                    _firstHealthy.TrySetResult();
                }
                else if (!healthy && State == ResourceState.Healthy)
                {
                    log.Write("unhealthy: the health check failed.");
                    SetState(ResourceState.Unhealthy);
                }
                else if (!healthy && !warned && Stopwatch.GetElapsedTime(startedAt) > healthWarningAfter)
                {
                    warned = true;
                    log.Write($"not healthy {healthWarningAfter.TotalSeconds:0} s after start; still waiting.");
                }
                var interval = State is ResourceState.Healthy or ResourceState.Unhealthy ? HealthyProbeInterval : StartingProbeInterval;
                await Task.Delay(interval, cancel);
            }
        }
        catch (OperationCanceledException)
        {
            // The process exited or the AppHost is stopping.
        }
    }

    public async Task StopAsync()
    {
        Task? loop;
        lock (_gate)
        {
            _stop.Cancel();
            loop = _loop;
        }
        if (loop is not null) await loop;
        if (_process is { } process && !process.HasExited)
        {
            SetState(ResourceState.Stopping);
            await ProcessStopper.StopAsync(process, StopGrace);
            log.Write("stopped.");
        }
        if (State != ResourceState.FailedToStart) SetState(ResourceState.Stopped);
        _firstHealthy.TrySetCanceled();
        _process?.Dispose();
    }

    private void SetState(ResourceState state)
    {
        State = state;
        Changed?.Invoke();
    }
}
