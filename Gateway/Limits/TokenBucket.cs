namespace Gateway.Limits;

/// <summary>
/// The bucket arithmetic shared by the local limiter and (in Lua) the Redis script: a bucket holds up to
/// <c>limit</c> units and refills continuously at <c>limit</c> per minute, like OpenAI's limits. Requests take
/// 1 unit and need at least 1; tokens are taken after the response (usage is only known then) and may drive
/// the level below zero, which blocks until it has refilled above zero.
/// </summary>
public static class TokenBucket
{
    public const double WindowMs = 60_000;

    public static double Refill(double level, double elapsedMs, int limit) =>
        Math.Min(limit, level + Math.Max(0, elapsedMs) * limit / WindowMs);

    /// <summary>How long until the bucket reaches <paramref name="target"/> from <paramref name="level"/>.</summary>
    public static TimeSpan TimeUntil(double level, double target, int limit) =>
        level >= target ? TimeSpan.Zero : TimeSpan.FromMilliseconds((target - level) * WindowMs / limit);
}
