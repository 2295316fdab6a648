using System.Globalization;
using Gateway.Redis;
using StackExchange.Redis;

namespace Gateway.Keys;

/// <summary>
/// Key records in Redis, shared by every gateway replica:
/// <c>gw:key:{sha256}</c> hash (id, name, hash, created, rpm, tpm, revoked, minprio), <c>gw:keyid:{id}</c> → sha256,
/// and the set <c>gw:keys</c> of ids for listing.
/// </summary>
public sealed class RedisApiKeyStore(RedisConnection redis) : IApiKeyStore
{
    private const string KeysSet = "gw:keys";

    private static RedisKey RecordKey(string hash) => "gw:key:" + hash;

    private static RedisKey IdKey(string id) => "gw:keyid:" + id;

    public Task CreateAsync(ApiKeyRecord record) => RunAsync(async db =>
    {
        var transaction = db.CreateTransaction();
        _ = transaction.HashSetAsync(RecordKey(record.Hash), ToFields(record));
        _ = transaction.StringSetAsync(IdKey(record.Id), record.Hash);
        _ = transaction.SetAddAsync(KeysSet, record.Id);
        if (!await transaction.ExecuteAsync()) throw new InvalidOperationException("Redis rejected the key transaction.");
        return true;
    });

    public Task<ApiKeyRecord?> FindByHashAsync(string hash) => RunAsync(db => ReadAsync(db, hash));

    public Task<ApiKeyRecord?> FindByIdAsync(string id) => RunAsync(async db =>
    {
        var hash = await db.StringGetAsync(IdKey(id));
        return hash.IsNull ? null : await ReadAsync(db, hash.ToString());
    });

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync() => RunAsync<IReadOnlyList<ApiKeyRecord>>(async db =>
    {
        var ids = await db.SetMembersAsync(KeysSet);
        var hashes = await Task.WhenAll(ids.Select(id => db.StringGetAsync(IdKey(id.ToString()))));
        var records = await Task.WhenAll(hashes.Where(h => !h.IsNull).Select(h => ReadAsync(db, h.ToString())));
        return records.OfType<ApiKeyRecord>().OrderBy(r => r.CreatedAt).ToList();
    });

    public Task<ApiKeyRecord?> RevokeAsync(string id) => RunAsync(async db =>
    {
        var hash = await db.StringGetAsync(IdKey(id));
        if (hash.IsNull) return null;
        await db.HashSetAsync(RecordKey(hash.ToString()), "revoked", "1");
        return await ReadAsync(db, hash.ToString());
    });

    private static async Task<ApiKeyRecord?> ReadAsync(IDatabase db, string hash)
    {
        var fields = (await db.HashGetAllAsync(RecordKey(hash))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        if (fields.Count == 0) return null;
        return new ApiKeyRecord(
            fields["id"],
            fields["name"],
            fields["hash"],
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(fields["created"], CultureInfo.InvariantCulture)),
            OptionalInt(fields.GetValueOrDefault("rpm")),
            OptionalInt(fields.GetValueOrDefault("tpm")),
            fields.GetValueOrDefault("revoked") == "1",
            OptionalInt(fields.GetValueOrDefault("minprio")));
    }

    private static HashEntry[] ToFields(ApiKeyRecord record) =>
    [
        new("id", record.Id),
        new("name", record.Name),
        new("hash", record.Hash),
        new("created", record.CreatedAt.ToUnixTimeMilliseconds()),
        new("rpm", record.RequestsPerMinute?.ToString(CultureInfo.InvariantCulture) ?? ""),
        new("tpm", record.TokensPerMinute?.ToString(CultureInfo.InvariantCulture) ?? ""),
        new("revoked", record.Revoked ? "1" : "0"),
        new("minprio", record.MinPriority?.ToString(CultureInfo.InvariantCulture) ?? ""),
    ];

    private static int? OptionalInt(string? text) =>
        string.IsNullOrEmpty(text) ? null : int.Parse(text, CultureInfo.InvariantCulture);

    private async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> operation)
    {
        try
        {
            return await operation(redis.Database);
        }
        catch (Exception error) when (RedisConnection.IsOutage(error))
        {
            throw new KeyStoreUnavailableException("The key store (Redis) is unreachable.", error);
        }
    }
}
