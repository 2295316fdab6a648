namespace Gateway.Limits;

/// <summary>The state of one bucket after an admission, as the rate-limit headers report it.</summary>
public readonly record struct BucketReading(int Limit, double Level)
{
    public long Remaining => (long)Math.Max(0, Math.Floor(Level));

    /// <summary>Time until the bucket is full again (OpenAI's x-ratelimit-reset-*).</summary>
    public TimeSpan ResetAfter => TokenBucket.TimeUntil(Level, Limit, Limit);
}
