namespace Gateway.Limits;

/// <summary>
/// The Lua scripts that keep buckets in Redis (the arithmetic of <see cref="TokenBucket"/>). Each runs atomically.
/// The clock is the calling gateway's (ARGV[1], Unix milliseconds from its TimeProvider), not Redis's TIME, so the
/// arithmetic can be checked with a fake clock. The gateways of one deployment share a clock well enough: NTP keeps
/// them within milliseconds, and a skew of d between two gateways adds at most d of refill when they take turns (a
/// clock behind the bucket's last update adds nothing, never takes away). A bucket is a hash {level, at}; it expires once it would be full
/// again (a full bucket is the default).
/// Levels are returned as strings: Redis would truncate Lua numbers to integers.
/// </summary>
public static class RateLimitScripts
{
    private const string Common = """
        local now = tonumber(ARGV[1])
        local window = 60000
        local function read(key, limit)
          local v = redis.call('HMGET', key, 'level', 'at')
          local level, at = tonumber(v[1]), tonumber(v[2])
          if level == nil or at == nil then return limit end
          return math.min(limit, level + math.max(0, now - at) * limit / window)
        end
        local function write(key, level, limit)
          redis.call('HSET', key, 'level', tostring(level), 'at', tostring(now))
          -- At most 1e12 ms: a larger number would reach Redis in exponent notation, which is not an integer.
          redis.call('PEXPIRE', key, math.min(1e12, math.ceil((limit - level) * window / limit) + 1000))
        end

        """;

    /// <summary>Admits the first k of n requests that arrived together, in order: each needs a request unit and a positive
    /// token level, and reserves its token estimate. KEYS: requests bucket, tokens bucket. ARGV: now, requests/min,
    /// tokens/min (0 = unlimited), n, then the n estimates. Returns {k, requests level before taking the k units, tokens level
    /// before the k reservations}.</summary>
    public const string Admit = Common + """
        local rpm, tpm, n = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local requests, tokens, admitted = 0, 0, n
        if rpm > 0 then
          requests = read(KEYS[1], rpm)
          admitted = math.max(0, math.min(admitted, math.floor(requests)))
        end
        if tpm > 0 then
          tokens = read(KEYS[2], tpm)
          local level, k = tokens, 0
          while k < admitted and level > 0 do
            k = k + 1
            level = level - tonumber(ARGV[4 + k])
          end
          admitted = k
          if admitted > 0 then write(KEYS[2], level, tpm) end
        end
        if rpm > 0 and admitted > 0 then write(KEYS[1], requests - admitted, rpm) end
        return {admitted, tostring(requests), tostring(tokens)}
        """;

    /// <summary>KEYS: tokens bucket. ARGV: now, tokens/min, tokens used (negative: an unused reservation given back, up to the
    /// limit). Returns the new level.</summary>
    public const string ChargeTokens = Common + """
        local tpm, used = tonumber(ARGV[2]), tonumber(ARGV[3])
        local level = math.min(tpm, read(KEYS[1], tpm) - used)
        write(KEYS[1], level, tpm)
        return tostring(level)
        """;
}
