using System.Globalization;
using Gateway.Redis;
using StackExchange.Redis;

namespace Gateway.Limits;

/// <summary>Buckets in Redis (<c>gw:rl:{subject}:rpm|tpm</c>), shared by every gateway replica.</summary>
public sealed class RedisRateLimitStore(RedisConnection redis, TimeProvider time)
{
    /// <summary>Decides several requests of one subject at once, in arrival order: each is admitted if the subject has a
    /// request unit and a positive token level, taking the unit and reserving its estimate (<paramref name="tokens"/>).</summary>
    public async ValueTask<Admission[]> AdmitAsync(string subject, RateLimitPolicy policy, long[] tokens)
    {
        var count = tokens.Length;
        var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
            RateLimitScripts.Admit,
            [RequestsKey(subject), TokensKey(subject)],
            [Now(), Math.Max(0, policy.RequestsPerMinute), Math.Max(0, policy.TokensPerMinute), count, .. tokens.Select(t => (RedisValue)t)]))!;
        int admitted = (int)result[0];
        double requests = Number(result[1]), level = Number(result[2]);
        // Request i of those admitted took the (i+1)-th unit and the tokens after the reservations before it; the
        // refused see the levels the admitted left.
        var admissions = new Admission[count];
        for (var i = 0; i < count; i++)
        {
            if (i < admitted) level -= tokens[i];
            admissions[i] = i < admitted
                ? Admission.From(true, policy, requests - i - 1, level, tokens[i])
                : Admission.From(false, policy, requests - admitted, level);
        }
        return admissions;
    }

    /// <summary>Takes tokens (the level may go below zero) or, when negative, gives back an unused reservation; returns the new level.</summary>
    public async ValueTask<double> ChargeTokensAsync(string subject, int tokensPerMinute, long tokens)
    {
        var result = await redis.Database.ScriptEvaluateAsync(RateLimitScripts.ChargeTokens, [TokensKey(subject)], [Now(), tokensPerMinute, tokens]);
        return Number(result);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static RedisKey RequestsKey(string subject) => $"gw:rl:{subject}:rpm";

    private static RedisKey TokensKey(string subject) => $"gw:rl:{subject}:tpm";

    private static double Number(RedisResult value) => double.Parse(value.ToString(), CultureInfo.InvariantCulture);
}
