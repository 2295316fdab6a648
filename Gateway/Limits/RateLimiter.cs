using Gateway.Redis;

namespace Gateway.Limits;

/// <summary>
/// Rate limiting with the shared store when there is one, and this process's buckets when there is none or
/// it cannot be reached (then each gateway replica enforces the full limit on its own).
/// </summary>
public sealed class RateLimiter
{
    private readonly LocalRateLimitStore _local;
    private readonly TimeProvider _time;
    private readonly ILogger<RateLimiter> _logger;
    private readonly AdmissionBatcher? _admissions;    // with the shared store only
    private readonly TokenChargeCoalescer? _charges;
    private long _lastWarning;   // a timestamp of the time provider; 0: never warned

    // During an outage every request falls back: one warning per this period is enough.
    private static readonly TimeSpan WarnEvery = TimeSpan.FromSeconds(10);

    public RateLimiter(LocalRateLimitStore local, TimeProvider time, ILogger<RateLimiter> logger, RedisRateLimitStore? shared = null)
    {
        (_local, _time, _logger) = (local, time, logger);
        if (shared is null) return;
        _admissions = new AdmissionBatcher(shared.AdmitAsync);
        _charges = new TokenChargeCoalescer((subject, tokensPerMinute, tokens) => ChargeSharedAsync(shared, subject, tokensPerMinute, tokens));
    }

    /// <summary>Admits a request, reserving <paramref name="tokens"/> (its estimate) from the tokens bucket when it is allowed.</summary>
    public async ValueTask<Admission> AdmitAsync(string subject, RateLimitPolicy policy, long tokens = 0)
    {
        if (policy.IsUnlimited) return Admission.Unlimited;
        if (_admissions is not null)
        {
            try
            {
                return await _admissions.AdmitAsync(subject, policy, tokens);
            }
            catch (Exception error) when (RedisConnection.IsOutage(error))
            {
                WarnFallback(error);
            }
        }
        return await _local.AdmitAsync(subject, policy, tokens);
    }

    /// <summary>Takes tokens from the subject's bucket, or gives them back when negative (an unused reservation).</summary>
    public async ValueTask ChargeTokensAsync(string subject, int tokensPerMinute, long tokens)
    {
        if (tokensPerMinute <= 0 || tokens == 0) return;
        if (_charges is null) await _local.ChargeTokensAsync(subject, tokensPerMinute, tokens);
        else await _charges.ChargeAsync(subject, tokensPerMinute, tokens);
    }

    private async ValueTask ChargeSharedAsync(RedisRateLimitStore shared, string subject, int tokensPerMinute, long tokens)
    {
        try
        {
            await shared.ChargeTokensAsync(subject, tokensPerMinute, tokens);
        }
        catch (Exception error) when (RedisConnection.IsOutage(error))
        {
            WarnFallback(error);
            await _local.ChargeTokensAsync(subject, tokensPerMinute, tokens);
        }
    }

    private void WarnFallback(Exception error)
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastWarning);
        if ((last != 0 && _time.GetElapsedTime(last, now) < WarnEvery) || Interlocked.CompareExchange(ref _lastWarning, now, last) != last) return;
        _logger.LogWarning("Redis unreachable ({Reason}); rate limits are local to this gateway until it is back", error.Message);
    }
}
