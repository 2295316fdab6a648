using InferenceService.Serving;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InferenceService.Hosting;

/// <summary>Unhealthy (503) while the startup model (the flags') loads, if it failed to load, and while draining before exit;
/// healthy once it has served, whatever happens to single models afterwards (a DELETE, a runtime load that fails): their
/// states are in GET /admin/models.</summary>
public sealed class EngineHealthCheck(ModelRegistry models, ReplicaDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (drain.Draining) return Task.FromResult(drain.Health());
        var startup = models.Startup;
        if (models.StartupReady)
        {
            var ready = models.Ready;
            var snapshots = ready.Select(m => m.Engine?.Snapshot()).OfType<Engine.Core.EngineSnapshot>().ToList();
            return Task.FromResult(HealthCheckResult.Healthy("serving", new Dictionary<string, object>
            {
                ["model"] = startup?.Engine?.Options.Model ?? "",
                ["models"] = ready.Select(m => m.Name).ToArray(),
                ["running"] = snapshots.Sum(s => s.Running),
                ["waiting"] = snapshots.Sum(s => s.Waiting),
            }));
        }
        return Task.FromResult(startup?.Error is { } error
            ? HealthCheckResult.Unhealthy("model failed to load: " + error.Message)
            : HealthCheckResult.Unhealthy("loading model"));
    }
}
