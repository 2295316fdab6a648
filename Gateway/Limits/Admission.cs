namespace Gateway.Limits;

/// <summary>
/// The verdict on one request: allowed or not, the buckets' state (null where unlimited) and the tokens the admission
/// reserved (the request's estimate, taken from the tokens bucket; 0 without a tokens limit or when refused).
/// </summary>
public sealed record Admission(bool Allowed, BucketReading? Requests, BucketReading? Tokens, long Reserved = 0)
{
    public static Admission Unlimited { get; } = new(true, null, null);

    /// <summary>Built from the raw levels the limiter computed (after taking the request and its reservation if it was allowed).</summary>
    public static Admission From(bool allowed, RateLimitPolicy policy, double requestsLevel, double tokensLevel, long reserved = 0) => new(
        allowed,
        policy.RequestsPerMinute > 0 ? new BucketReading(policy.RequestsPerMinute, requestsLevel) : null,
        policy.TokensPerMinute > 0 ? new BucketReading(policy.TokensPerMinute, tokensLevel) : null,
        allowed && policy.TokensPerMinute > 0 ? reserved : 0);

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
