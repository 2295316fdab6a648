namespace Gateway.Limits;

/// <summary>The verdict on one request: allowed or not, and the buckets' state (null where unlimited).</summary>
public sealed record Admission(bool Allowed, BucketReading? Requests, BucketReading? Tokens)
{
    public static Admission Unlimited { get; } = new(true, null, null);

    /// <summary>Built from the raw levels the limiter computed (after taking the request if it was allowed).</summary>
    public static Admission From(bool allowed, RateLimitPolicy policy, double requestsLevel, double tokensLevel) => new(
        allowed,
        policy.RequestsPerMinute > 0 ? new BucketReading(policy.RequestsPerMinute, requestsLevel) : null,
        policy.TokensPerMinute > 0 ? new BucketReading(policy.TokensPerMinute, tokensLevel) : null);

    /// <summary>Which limit refused the request: "tokens" or "requests" (OpenAI's error types).</summary>
    public string RefusedBy => Tokens is { Level: <= 0 } ? "tokens" : "requests";

    /// <summary>When the request would be allowed: the later of a request unit and a positive token level.</summary>
    public TimeSpan RetryAfter
    {
        get
        {
            var wait = TimeSpan.Zero;
            if (Requests is { } r && r.Level < 1) wait = TokenBucket.TimeUntil(r.Level, 1, r.Limit);
            if (Tokens is { } t && t.Level <= 0)
            {
                // Strictly above zero: aim a little past it.
                var tokens = TokenBucket.TimeUntil(t.Level, 0.01, t.Limit);
                if (tokens > wait) wait = tokens;
            }
            return wait;
        }
    }
}
