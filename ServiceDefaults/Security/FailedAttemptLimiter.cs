using System.Collections.Concurrent;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Limits failed attempts (wrong admin keys, wrong sign-ins) per client address: each address has a bucket of
/// <c>perMinute</c> failures that refills at that rate; an address whose bucket is empty is refused until it has
/// refilled one failure, whatever it presents, so a key cannot be guessed faster than the limit.
/// </summary>
public sealed class FailedAttemptLimiter(int perMinute, TimeProvider time)
{
    // Beyond this many addresses, those whose bucket is full again are forgotten (a full bucket is the default).
    private const int PruneAbove = 10_000;

    private sealed class Bucket(double level, DateTimeOffset at)
    {
        public double Level = level;
        public DateTimeOffset At = at;
    }

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new();

    /// <summary>How long <paramref name="address"/> must wait before its next attempt; null when it may try now.</summary>
    public TimeSpan? RetryAfter(string address)
    {
        if (perMinute <= 0 || !_buckets.TryGetValue(address, out var bucket)) return null;
        lock (bucket)
        {
            var level = Refill(bucket);
            return level >= 1 ? null : TimeSpan.FromMinutes((1 - level) / perMinute);
        }
    }

    /// <summary>Counts one failed attempt of <paramref name="address"/>.</summary>
    public void Failed(string address)
    {
        if (perMinute <= 0) return;
        if (_buckets.Count > PruneAbove) Prune();
        var bucket = _buckets.GetOrAdd(address, _ => new Bucket(perMinute, time.GetUtcNow()));
        lock (bucket) bucket.Level = Refill(bucket) - 1;
    }

    private double Refill(Bucket bucket)
    {
        var now = time.GetUtcNow();
        bucket.Level = Math.Min(perMinute, bucket.Level + Math.Max(0, (now - bucket.At).TotalMinutes) * perMinute);
        bucket.At = now;
        return bucket.Level;
    }

    private void Prune()
    {
        foreach (var (address, bucket) in _buckets)
            lock (bucket)
                if (Refill(bucket) >= perMinute) _buckets.TryRemove(address, out _);
    }
}
