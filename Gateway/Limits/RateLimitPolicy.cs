namespace Gateway.Limits;

/// <summary>Limits of one subject (a key or a client IP) per minute; 0 means unlimited.</summary>
public readonly record struct RateLimitPolicy(int RequestsPerMinute, int TokensPerMinute)
{
    public bool IsUnlimited => RequestsPerMinute <= 0 && TokensPerMinute <= 0;
}
