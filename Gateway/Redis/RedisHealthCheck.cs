using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Redis;

/// <summary>Degraded (not Unhealthy) while Redis is unreachable: the gateway keeps serving known keys with local limits.</summary>
public sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    private const string DegradedText =
        "Redis unreachable: recently validated keys work from the local cache, unknown keys are refused, rate limits are local to this gateway";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected) return HealthCheckResult.Degraded(DegradedText);
        try
        {
            var started = Stopwatch.GetTimestamp();
            await redis.Database.PingAsync();
            return HealthCheckResult.Healthy($"ping {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0} ms");
        }
        catch (Exception error) when (RedisConnection.IsOutage(error))
        {
            return HealthCheckResult.Degraded(DegradedText, error);
        }
    }
}
