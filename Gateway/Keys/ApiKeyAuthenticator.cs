using System.Collections.Concurrent;
using Gateway.Configuration;

namespace Gateway.Keys;

/// <summary>
/// Checks a presented key against the store, through a local cache of records. A cached record is trusted for
/// <see cref="GatewayOptions.KeyRevalidateAfter"/> (so a revocation on any replica is seen here within that time),
/// then read again. While the store is unreachable, a record validated within
/// <see cref="GatewayOptions.KeyOfflineGrace"/> keeps working; keys never seen here are refused.
/// Unknown keys are not cached, so a key created on another replica works here at once.
/// </summary>
public sealed class ApiKeyAuthenticator(IApiKeyStore store, GatewayOptions options, TimeProvider time, ILogger<ApiKeyAuthenticator> logger)
{
    private sealed record CachedRecord(ApiKeyRecord Record, long ValidatedAt);

    private readonly ConcurrentDictionary<string, CachedRecord> _cache = new();

    public async ValueTask<AuthenticationResult> AuthenticateAsync(string? presentedKey)
    {
        if (presentedKey is null) return AuthenticationResult.Of(AuthenticationOutcome.Missing);
        var hash = ApiKeySecret.Hash(presentedKey);

        var cached = _cache.GetValueOrDefault(hash);
        if (cached is not null && time.GetElapsedTime(cached.ValidatedAt) < options.KeyRevalidateAfter)
            return Judge(cached.Record, hash);

        ApiKeyRecord? record;
        try
        {
            record = await store.FindByHashAsync(hash);
        }
        catch (KeyStoreUnavailableException error)
        {
            if (cached is not null && time.GetElapsedTime(cached.ValidatedAt) < options.KeyOfflineGrace)
                return Judge(cached.Record, hash);
            logger.LogDebug("Key store unreachable ({Reason}); refusing a key not validated in the last {Grace}",
                error.InnerException?.Message, options.KeyOfflineGrace);
            return AuthenticationResult.Of(AuthenticationOutcome.StoreUnavailable);
        }

        if (record is null)
        {
            _cache.TryRemove(hash, out _);
            return AuthenticationResult.Of(AuthenticationOutcome.Invalid);
        }
        _cache[hash] = new CachedRecord(record, time.GetTimestamp());
        return Judge(record, hash);
    }

    /// <summary>Applies a revocation made through this gateway at once (other replicas see it on revalidation).</summary>
    public void Revoked(ApiKeyRecord record) => _cache[record.Hash] = new CachedRecord(record, time.GetTimestamp());

    private static AuthenticationResult Judge(ApiKeyRecord record, string presentedHash)
    {
        // The lookup was by hash already; the constant-time comparison guards against a store returning a wrong record.
        if (!ApiKeySecret.HashesEqual(record.Hash, presentedHash)) return AuthenticationResult.Of(AuthenticationOutcome.Invalid);
        return record.Revoked
            ? AuthenticationResult.Of(AuthenticationOutcome.Revoked)
            : new AuthenticationResult(AuthenticationOutcome.Valid, record);
    }
}
