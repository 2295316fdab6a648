using System.Globalization;
using Gateway.Redis;
using StackExchange.Redis;

namespace Gateway.Limits;

/// <summary>Buckets in Redis (<c>gw:rl:{subject}:rpm|tpm</c>), shared by every gateway replica.</summary>
public sealed class RedisRateLimitStore(RedisConnection redis) : IRateLimitStore
{
    public async ValueTask<Admission> AdmitAsync(string subject, RateLimitPolicy policy)
    {
        var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
            RateLimitScripts.Admit,
            [RequestsKey(subject), TokensKey(subject)],
            [Math.Max(0, policy.RequestsPerMinute), Math.Max(0, policy.TokensPerMinute)]))!;
        return Admission.From((int)result[0] == 1, policy, Number(result[1]), Number(result[2]));
    }

    public async ValueTask<double> ChargeTokensAsync(string subject, int tokensPerMinute, long tokens)
    {
        var result = await redis.Database.ScriptEvaluateAsync(RateLimitScripts.ChargeTokens, [TokensKey(subject)], [tokensPerMinute, tokens]);
        return Number(result);
    }

    private static RedisKey RequestsKey(string subject) => $"gw:rl:{subject}:rpm";

    private static RedisKey TokensKey(string subject) => $"gw:rl:{subject}:tpm";

    private static double Number(RedisResult value) => double.Parse(value.ToString(), CultureInfo.InvariantCulture);
}
