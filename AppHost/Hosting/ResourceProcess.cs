using System.Diagnostics;

namespace AppHost.Hosting;

/// <summary>One resource running as a child process: output prefixed to the console, health, stop.</summary>
public sealed class ResourceProcess(Resource resource, ResourceLaunch launch, ResourceLog log)
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private Process? _process;
    private volatile bool _stopping;

    public Resource Resource { get; } = resource;

    public ResourceState State { get; private set; } = ResourceState.NotStarted;

    public int? ProcessId { get; private set; }

    private bool HasExited => _process is null || _process.HasExited;

    public void Start()
    {
        var startInfo = new ProcessStartInfo(launch.FileName)
        {
            WorkingDirectory = launch.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in launch.Args) startInfo.ArgumentList.Add(arg);
        foreach (var (key, value) in launch.Environment)
            if (value is null) startInfo.Environment.Remove(key);
            else startInfo.Environment[key] = value;

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Write(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Write(e.Data); };
        process.Exited += (_, _) => OnExited(process);
        process.Start();
        _process = process;
        ProcessId = process.Id;
        State = ResourceState.Starting;
        log.Write($"started (pid {process.Id}): {launch}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Waits for /health on the "http" endpoint (a resource without one counts as running).</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancel)
    {
        var http = Resource.Endpoints.FirstOrDefault(e => e.Scheme == "http");
        if (http is null)
        {
            if (!HasExited) State = ResourceState.Running;
            return;
        }
        try
        {
            var healthy = await HealthProbe.WaitAsync(http.Url, timeout, () => HasExited, cancel);
            if (healthy) State = ResourceState.Healthy;
            else if (!HasExited)
            {
                State = ResourceState.Unhealthy;
                log.Write($"{http.Url}{HealthProbe.Path.TrimStart('/')} did not answer 200 within {timeout.TotalSeconds:0} s.");
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    public async Task StopAsync()
    {
        if (_process is null) return;
        _stopping = true;
        await ProcessStopper.StopAsync(_process, StopGrace);
        State = ResourceState.Stopped;
        log.Write("stopped.");
        _process.Dispose();
    }

    private void OnExited(Process process)
    {
        if (_stopping) return;
        State = ResourceState.Exited;
        log.Write($"exited with code {process.ExitCode}.");
    }
}
