using System.Collections.Concurrent;

namespace Gateway.Limits;

/// <summary>Buckets in this process: the fallback while Redis is unreachable (and the store without Redis).</summary>
public sealed class LocalRateLimitStore(TimeProvider time)
{
    private sealed class Bucket(int limit, long createdAt)
    {
        public readonly int Limit = limit;
        public double Level = limit;
        public long UpdatedAt = createdAt;
    }

    // Beyond this many buckets (one per key or client IP), full ones are dropped: a full bucket is the default.
    private const int PruneAbove = 10_000;
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new();
    private long _prunedAt = time.GetTimestamp();

    /// <summary>Admits a request if the subject has a request unit and a positive token level, taking the unit and
    /// reserving <paramref name="tokens"/> (its estimate; the level may go below zero).</summary>
    public ValueTask<Admission> AdmitAsync(string subject, RateLimitPolicy policy, long tokens = 0)
    {
        var requestBucket = policy.RequestsPerMinute > 0 ? GetBucket(subject + ":rpm", policy.RequestsPerMinute) : null;
        var tokenBucket = policy.TokensPerMinute > 0 ? GetBucket(subject + ":tpm", policy.TokensPerMinute) : null;
        // Lock order is always requests then tokens, so two admissions cannot deadlock.
        lock (requestBucket ?? new object())
        lock (tokenBucket ?? new object())
        {
            var requestLevel = requestBucket is null ? 0 : Refresh(requestBucket, policy.RequestsPerMinute);
            var tokenLevel = tokenBucket is null ? 0 : Refresh(tokenBucket, policy.TokensPerMinute);
            var allowed = (requestBucket is null || requestLevel >= 1) && (tokenBucket is null || tokenLevel > 0);
            if (allowed && requestBucket is not null) requestBucket.Level = requestLevel -= 1;
            if (allowed && tokenBucket is not null) tokenBucket.Level = tokenLevel -= tokens;
            return ValueTask.FromResult(Admission.From(allowed, policy, requestLevel, tokenLevel, tokens));
        }
    }

    /// <summary>Takes tokens (the level may go below zero) or, when negative, gives back an unused reservation (up to the
    /// limit); returns the new level.</summary>
    public ValueTask<double> ChargeTokensAsync(string subject, int tokensPerMinute, long tokens)
    {
        var bucket = GetBucket(subject + ":tpm", tokensPerMinute);
        lock (bucket)
        {
            bucket.Level = Math.Min(tokensPerMinute, Refresh(bucket, tokensPerMinute) - tokens);
            return ValueTask.FromResult(bucket.Level);
        }
    }

    private Bucket GetBucket(string key, int limit)
    {
        if (_buckets.Count > PruneAbove) Prune();
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(limit, time.GetTimestamp()));
        // A key whose limit was changed gets a bucket of the new size.
        return bucket.Limit == limit ? bucket : _buckets[key] = new Bucket(limit, time.GetTimestamp());
    }

    private void Prune()
    {
        var last = Interlocked.Read(ref _prunedAt);
        if (time.GetElapsedTime(last) < PruneEvery || Interlocked.CompareExchange(ref _prunedAt, time.GetTimestamp(), last) != last) return;
        foreach (var (key, bucket) in _buckets)
            lock (bucket)
                if (Refresh(bucket, bucket.Limit) >= bucket.Limit) _buckets.TryRemove(key, out _);
    }

    private double Refresh(Bucket bucket, int limit)
    {
        var now = time.GetTimestamp();
        bucket.Level = TokenBucket.Refill(bucket.Level, time.GetElapsedTime(bucket.UpdatedAt, now).TotalMilliseconds, limit);
        bucket.UpdatedAt = now;
        return bucket.Level;
    }
}
