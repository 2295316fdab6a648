using System.Globalization;
using Gateway.Redis;
using StackExchange.Redis;

namespace Gateway.Limits;

/// <summary>Buckets in Redis (<c>gw:rl:{subject}:rpm|tpm</c>), shared by every gateway replica.</summary>
public sealed class RedisRateLimitStore(RedisConnection redis)
{
    /// <summary>Decides <paramref name="count"/> requests of one subject at once, in arrival order: each is admitted if
    /// the subject has a request unit and a positive token level, taking the unit.</summary>
    public async ValueTask<Admission[]> AdmitAsync(string subject, RateLimitPolicy policy, int count)
    {
        var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
            RateLimitScripts.Admit,
            [RequestsKey(subject), TokensKey(subject)],
            [Math.Max(0, policy.RequestsPerMinute), Math.Max(0, policy.TokensPerMinute), count]))!;
        int admitted = (int)result[0];
        double requests = Number(result[1]), tokens = Number(result[2]);
        // Request i of those admitted took the (i+1)-th unit; the refused see the level the admitted left.
        return Enumerable.Range(0, count).Select(i => i < admitted
            ? Admission.From(true, policy, requests - i - 1, tokens)
            : Admission.From(false, policy, requests - admitted, tokens)).ToArray();
    }

    /// <summary>Takes the tokens a response used (the level may go below zero); returns the new level.</summary>
    public async ValueTask<double> ChargeTokensAsync(string subject, int tokensPerMinute, long tokens)
    {
        var result = await redis.Database.ScriptEvaluateAsync(RateLimitScripts.ChargeTokens, [TokensKey(subject)], [tokensPerMinute, tokens]);
        return Number(result);
    }

    private static RedisKey RequestsKey(string subject) => $"gw:rl:{subject}:rpm";

    private static RedisKey TokensKey(string subject) => $"gw:rl:{subject}:tpm";

    private static double Number(RedisResult value) => double.Parse(value.ToString(), CultureInfo.InvariantCulture);
}
