using Gateway.Redis;

namespace Gateway.Limits;

/// <summary>
/// Rate limiting with the shared store when there is one, and this process's buckets when there is none or
/// it cannot be reached (then each gateway replica enforces the full limit on its own).
/// </summary>
public sealed class RateLimiter(LocalRateLimitStore local, ILogger<RateLimiter> logger, RedisRateLimitStore? shared = null)
{
    private long _lastWarning;

    public async ValueTask<Admission> AdmitAsync(string subject, RateLimitPolicy policy)
    {
        if (policy.IsUnlimited) return Admission.Unlimited;
        if (shared is not null)
        {
            try
            {
                return await shared.AdmitAsync(subject, policy);
            }
            catch (Exception error) when (RedisConnection.IsOutage(error))
            {
                WarnFallback(error);
            }
        }
        return await local.AdmitAsync(subject, policy);
    }

    public async ValueTask ChargeTokensAsync(string subject, int tokensPerMinute, long tokens)
    {
        if (tokensPerMinute <= 0 || tokens <= 0) return;
        if (shared is not null)
        {
            try
            {
                await shared.ChargeTokensAsync(subject, tokensPerMinute, tokens);
                return;
            }
            catch (Exception error) when (RedisConnection.IsOutage(error))
            {
                WarnFallback(error);
            }
        }
        await local.ChargeTokensAsync(subject, tokensPerMinute, tokens);
    }

    private void WarnFallback(Exception error)
    {
        // Once per 10 s at most: during an outage every request falls back.
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastWarning);
        if (now - last < 10_000 || Interlocked.CompareExchange(ref _lastWarning, now, last) != last) return;
        logger.LogWarning("Redis unreachable ({Reason}); rate limits are local to this gateway until it is back", error.Message);
    }
}
