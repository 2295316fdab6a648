using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gateway.Limits;

/// <summary>Buckets in this process: the fallback while Redis is unreachable (and the store without Redis).</summary>
public sealed class LocalRateLimitStore
{
    private sealed class Bucket(int limit)
    {
        public readonly int Limit = limit;
        public double Level = limit;
        public long UpdatedAt = Stopwatch.GetTimestamp();
    }

    // Beyond this many buckets (one per key or client IP), full ones are dropped: a full bucket is the default.
    private const int PruneAbove = 10_000;
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new();
    private long _prunedAt = Stopwatch.GetTimestamp();

    /// <summary>Admits a request if the subject has a request unit and a positive token level, taking the unit.</summary>
    public ValueTask<Admission> AdmitAsync(string subject, RateLimitPolicy policy)
    {
        var requests = policy.RequestsPerMinute > 0 ? GetBucket(subject + ":rpm", policy.RequestsPerMinute) : null;
        var tokens = policy.TokensPerMinute > 0 ? GetBucket(subject + ":tpm", policy.TokensPerMinute) : null;
        // Lock order is always requests then tokens, so two admissions cannot deadlock.
        lock (requests ?? new object())
        lock (tokens ?? new object())
        {
            var requestLevel = requests is null ? 0 : Refresh(requests, policy.RequestsPerMinute);
            var tokenLevel = tokens is null ? 0 : Refresh(tokens, policy.TokensPerMinute);
            var allowed = (requests is null || requestLevel >= 1) && (tokens is null || tokenLevel > 0);
            if (allowed && requests is not null) requests.Level = requestLevel -= 1;
            return ValueTask.FromResult(Admission.From(allowed, policy, requestLevel, tokenLevel));
        }
    }

    /// <summary>Takes the tokens a response used (the level may go below zero); returns the new level.</summary>
    public ValueTask<double> ChargeTokensAsync(string subject, int tokensPerMinute, long tokens)
    {
        var bucket = GetBucket(subject + ":tpm", tokensPerMinute);
        lock (bucket)
        {
            bucket.Level = Refresh(bucket, tokensPerMinute) - tokens;
            return ValueTask.FromResult(bucket.Level);
        }
    }

    private Bucket GetBucket(string key, int limit)
    {
        if (_buckets.Count > PruneAbove) Prune();
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(limit));
        // A key whose limit was changed gets a bucket of the new size.
        return bucket.Limit == limit ? bucket : _buckets[key] = new Bucket(limit);
    }

    private void Prune()
    {
        var last = Interlocked.Read(ref _prunedAt);
        if (Stopwatch.GetElapsedTime(last) < PruneEvery || Interlocked.CompareExchange(ref _prunedAt, Stopwatch.GetTimestamp(), last) != last) return;
        foreach (var (key, bucket) in _buckets)
            lock (bucket)
                if (Refresh(bucket, bucket.Limit) >= bucket.Limit) _buckets.TryRemove(key, out _);
    }

    private static double Refresh(Bucket bucket, int limit)
    {
        var now = Stopwatch.GetTimestamp();
        bucket.Level = TokenBucket.Refill(bucket.Level, Stopwatch.GetElapsedTime(bucket.UpdatedAt, now).TotalMilliseconds, limit);
        bucket.UpdatedAt = now;
        return bucket.Level;
    }
}
