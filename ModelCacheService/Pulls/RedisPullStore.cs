using System.Text.Json;
using ModelCacheService.Api;
using StackExchange.Redis;

namespace ModelCacheService.Pulls;

/// <summary>
/// The pull store shared through Redis: states as JSON strings (kept a day), an index sorted by creation
/// time, and claims as Redis locks (SET NX PX with our pull id as the value; renew and release only if ours).
/// </summary>
public sealed class RedisPullStore(IConnectionMultiplexer redis) : IPullStore
{
    private const string Prefix = "modelcache:";
    private const string Index = Prefix + "pulls";
    private const int MaxListed = 200;
    private static readonly TimeSpan StateLifetime = TimeSpan.FromDays(1);

    private IDatabase Db => redis.GetDatabase();

    public async Task<string> ClaimAsync(string key, string pullId, TimeSpan lease)
    {
        // The holder can let go between our failed take and our query: then try again.
        for (var attempt = 0; ; attempt++)
        {
            if (await Db.LockTakeAsync(ClaimKey(key), pullId, lease)) return pullId;
            var holder = await Db.LockQueryAsync(ClaimKey(key));
            if (!holder.IsNull) return holder.ToString();
            if (attempt >= 10) throw new InvalidOperationException($"Could not claim or read the claim of pull {key}.");
        }
    }

    public Task RenewAsync(string key, string pullId, TimeSpan lease) => Db.LockExtendAsync(ClaimKey(key), pullId, lease);

    public Task ReleaseAsync(string key, string pullId) => Db.LockReleaseAsync(ClaimKey(key), pullId);

    public async Task SaveAsync(PullState state)
    {
        var db = Db;
        await db.StringSetAsync(StateKey(state.Id), JsonSerializer.Serialize(state, JsonDefaults.Options), StateLifetime);
        await db.SortedSetAddAsync(Index, state.Id, state.CreatedAt);
    }

    public async Task<PullState?> GetAsync(string pullId)
    {
        var json = await Db.StringGetAsync(StateKey(pullId));
        return json.IsNull ? null : JsonSerializer.Deserialize<PullState>(json.ToString(), JsonDefaults.Options);
    }

    public async Task<IReadOnlyList<PullState>> ListAsync()
    {
        var db = Db;
        var ids = await db.SortedSetRangeByRankAsync(Index, 0, MaxListed - 1, Order.Descending);
        if (ids.Length == 0) return [];
        var values = await db.StringGetAsync(ids.Select(id => (RedisKey)StateKey(id.ToString())).ToArray());
        var expired = ids.Where((_, i) => values[i].IsNull).ToArray();
        if (expired.Length > 0) await db.SortedSetRemoveAsync(Index, expired); // States expire; keep the index tidy.
        return values.Where(v => !v.IsNull).Select(v => JsonSerializer.Deserialize<PullState>(v.ToString(), JsonDefaults.Options)!).ToList();
    }

    private static string ClaimKey(string key) => Prefix + "claim:" + key;

    private static string StateKey(string pullId) => Prefix + "pull:" + pullId;
}
