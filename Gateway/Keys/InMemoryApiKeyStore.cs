using System.Collections.Concurrent;

namespace Gateway.Keys;

/// <summary>Keys in this process only: used when no Redis is configured (one gateway, keys lost on restart).</summary>
public sealed class InMemoryApiKeyStore : IApiKeyStore
{
    private readonly ConcurrentDictionary<string, ApiKeyRecord> _byHash = new();
    private readonly ConcurrentDictionary<string, string> _hashById = new();

    public Task CreateAsync(ApiKeyRecord record)
    {
        _byHash[record.Hash] = record;
        _hashById[record.Id] = record.Hash;
        return Task.CompletedTask;
    }

    public Task<ApiKeyRecord?> FindByHashAsync(string hash) => Task.FromResult(_byHash.GetValueOrDefault(hash));

    public Task<ApiKeyRecord?> FindByIdAsync(string id) =>
        Task.FromResult(_hashById.TryGetValue(id, out var hash) ? _byHash.GetValueOrDefault(hash) : null);

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync() =>
        Task.FromResult<IReadOnlyList<ApiKeyRecord>>(_byHash.Values.OrderBy(r => r.CreatedAt).ToList());

    public Task<ApiKeyRecord?> RevokeAsync(string id)
    {
        if (!_hashById.TryGetValue(id, out var hash)) return Task.FromResult<ApiKeyRecord?>(null);
        var revoked = _byHash.AddOrUpdate(hash, _ => throw new InvalidOperationException("index out of step"), (_, r) => r with { Revoked = true });
        return Task.FromResult<ApiKeyRecord?>(revoked);
    }
}
