using Gateway.Configuration;
using Gateway.Redis;
using StackExchange.Redis;

namespace Gateway.Routing;

/// <summary>
/// <see cref="IPrefixAssignments"/> shared by every gateway of a deployment through Redis, so they all place a prefix on the
/// same replica: <c>gw:prefix:{key}</c> holds the prefix's replica and expires after the TTL (refreshed on each use);
/// <c>gw:prefixes:{replica}</c> is a sorted set of the replica's prefixes scored by their expiry, for the counts. One script
/// reads, picks and writes atomically, so two gateways racing on a new prefix agree. The clock is the gateway's, as for
/// the rate limits. While Redis is unreachable this gateway places prefixes on its own (<see cref="LocalPrefixAssignments"/>).
/// </summary>
public sealed class RedisPrefixAssignments(RedisConnection redis, LocalPrefixAssignments fallback, GatewayOptions options, TimeProvider time,
    ILogger<RedisPrefixAssignments> logger) : IPrefixAssignments
{
    private const string PrefixSetKey = "gw:prefixes:";

    /// <summary>KEYS: the prefix's assignment, then the candidates' prefix sets. ARGV: now (Unix ms), TTL (ms), the prefix key,
    /// the prefix-set key stem, then the candidates in the order of KEYS[2..].</summary>
    private const string AssignScript = """
        local now, ttl, member, stem = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4]
        local current = redis.call('GET', KEYS[1])
        local chosen
        for i = 2, #KEYS do
          if ARGV[i + 3] == current then chosen = i end
        end
        if not chosen then
          local fewest
          for i = 2, #KEYS do
            redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
            local count = redis.call('ZCARD', KEYS[i])
            if fewest == nil or count < fewest then fewest, chosen = count, i end
          end
          -- The replica it leaves no longer counts it.
          if current then redis.call('ZREM', stem .. current, member) end
        end
        local replica = ARGV[chosen + 3]
        redis.call('SET', KEYS[1], replica, 'PX', ttl)
        redis.call('ZADD', KEYS[chosen], now + ttl, member)
        redis.call('PEXPIRE', KEYS[chosen], ttl)
        return replica
        """;

    public async ValueTask<string> AssignAsync(string prefixKey, IReadOnlyList<string> candidates)
    {
        try
        {
            var result = await redis.Database.ScriptEvaluateAsync(AssignScript,
                [(RedisKey)("gw:prefix:" + prefixKey), .. candidates.Select(c => (RedisKey)(PrefixSetKey + c))],
                [time.GetUtcNow().ToUnixTimeMilliseconds(), (long)options.PrefixAffinityTtl.TotalMilliseconds, prefixKey, PrefixSetKey,
                    .. candidates.Select(c => (RedisValue)c)]);
            return result.ToString();
        }
        catch (Exception error) when (RedisConnection.IsOutage(error))
        {
            logger.LogDebug("Redis unreachable, prefix placed by this gateway alone: {Reason}", error.Message);
            return await fallback.AssignAsync(prefixKey, candidates);
        }
    }
}
