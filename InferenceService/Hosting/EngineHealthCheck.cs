using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InferenceService.Hosting;

/// <summary>Unhealthy (503) while the model loads, if loading failed, and while draining before exit; healthy once the engine serves.</summary>
public sealed class EngineHealthCheck(EngineHost host, ReplicaDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.Draining ? drain.Health()
            : host.Engine is { } engine
            ? HealthCheckResult.Healthy("serving", new Dictionary<string, object>
            {
                ["model"] = engine.Options.Model,
                ["running"] = engine.Snapshot().Running,
                ["waiting"] = engine.Snapshot().Waiting,
            })
            : host.LoadError is { } error
                ? HealthCheckResult.Unhealthy("model failed to load: " + error.Message)
                : HealthCheckResult.Unhealthy("loading model"));
}
