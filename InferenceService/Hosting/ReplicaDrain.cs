using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InferenceService.Hosting;

/// <summary>
/// The graceful drain. When the host starts stopping (SIGTERM: a rolling update, a scale-in), before the server stops: /health
/// turns 503 at once, new API requests are refused (<see cref="DrainMiddleware"/>), and the running ones get up to
/// --shutdown-timeout to finish; only then does the host stop the server and the engine.
/// </summary>
public sealed class ReplicaDrain(TimeSpan timeout, IHostApplicationLifetime lifetime, ILogger<ReplicaDrain> logger) : IHostedLifecycleService
{
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;
    private volatile bool _draining;

    public bool Draining => _draining;

    /// <summary>API requests admitted and not finished.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Admits a request (false once draining); an admitted request calls <see cref="Finished"/> when it is done.</summary>
    public bool TryAdmit()
    {
        Interlocked.Increment(ref _running);
        if (!_draining) return true;
        Finished();
        return false;
    }

    public void Finished()
    {
        if (Interlocked.Decrement(ref _running) == 0 && _draining) _idle.TrySetResult();
    }

    private void Begin()
    {
        _draining = true;
        if (Running == 0) _idle.TrySetResult();
    }

    /// <summary>/health while draining: unhealthy, with what is still running.</summary>
    public HealthCheckResult Health() => HealthCheckResult.Unhealthy($"draining: {Running} requests still running",
        data: new Dictionary<string, object> { ["draining"] = true, ["running_requests"] = Running });

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        Begin();
        if (_idle.Task.IsCompleted) return;
        logger.LogInformation("Draining: {Running} requests running, new ones refused; waiting up to {Timeout} s", Running, timeout.TotalSeconds);
        try
        {
            await _idle.Task.WaitAsync(timeout, cancellationToken);
            logger.LogInformation("Drained: every running request finished");
        }
        catch (Exception error) when (error is TimeoutException or OperationCanceledException)
        {
            logger.LogWarning("{Running} requests still running after --shutdown-timeout {Timeout} s; stopping anyway", Running, timeout.TotalSeconds);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Called on SIGTERM's own handler thread: the drain starts at once, however busy the thread pool is with generation.
        lifetime.ApplicationStopping.Register(Begin);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
