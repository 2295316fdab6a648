using Gateway.Configuration;
using Gateway.Keys;
using Gateway.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Components;

/// <summary>
/// How long a cached key record is trusted, on a fake clock: two authenticators (two gateway replicas) share a real
/// redis-server as their key store.
/// </summary>
public sealed class KeyRevalidationTests : IAsyncLifetime
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private readonly FakeTimeProvider _clock = new();
    private readonly GatewayOptions _options = new();
    private RedisServer _redis = null!;
    private RedisConnection _connection = null!;
    private RedisApiKeyStore _store = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await RedisConnection.ConnectAsync(_redis.ConnectionString);
        _store = new RedisApiKeyStore(_connection);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_key_revoked_on_another_replica_keeps_working_here_until_exactly_KeyRevalidateAfter()
    {
        var (revoker, other) = (NewGateway(), NewGateway());
        var (record, secret) = await CreateKeyAsync();
        Assert.Equal(AuthenticationOutcome.Valid, (await revoker.AuthenticateAsync(secret)).Outcome);
        Assert.Equal(AuthenticationOutcome.Valid, (await other.AuthenticateAsync(secret)).Outcome);

        revoker.Revoked((await _store.RevokeAsync(record.Id))!);
        Assert.Equal(AuthenticationOutcome.Revoked, (await revoker.AuthenticateAsync(secret)).Outcome);   // at once where revoked

        _clock.Advance(_options.KeyRevalidateAfter - Tick);
        Assert.Equal(AuthenticationOutcome.Valid, (await other.AuthenticateAsync(secret)).Outcome);
        _clock.Advance(Tick);
        Assert.Equal(AuthenticationOutcome.Revoked, (await other.AuthenticateAsync(secret)).Outcome);
    }

    [Fact]
    public async Task With_the_store_down_a_validated_key_works_until_exactly_KeyOfflineGrace_and_an_unseen_key_not_at_all()
    {
        var gateway = NewGateway();
        var (_, seen) = await CreateKeyAsync();
        var (_, unseen) = await CreateKeyAsync();
        Assert.Equal(AuthenticationOutcome.Valid, (await gateway.AuthenticateAsync(seen)).Outcome);

        await _redis.StopAsync();
        _clock.Advance(_options.KeyRevalidateAfter);   // past revalidation: the store is asked, and is down
        Assert.Equal(AuthenticationOutcome.Valid, (await gateway.AuthenticateAsync(seen)).Outcome);
        Assert.Equal(AuthenticationOutcome.StoreUnavailable, (await gateway.AuthenticateAsync(unseen)).Outcome);

        _clock.Advance(_options.KeyOfflineGrace - _options.KeyRevalidateAfter - Tick);
        Assert.Equal(AuthenticationOutcome.Valid, (await gateway.AuthenticateAsync(seen)).Outcome);
        _clock.Advance(Tick);
        Assert.Equal(AuthenticationOutcome.StoreUnavailable, (await gateway.AuthenticateAsync(seen)).Outcome);
    }

    private ApiKeyAuthenticator NewGateway() => new(_store, _options, _clock, NullLogger<ApiKeyAuthenticator>.Instance);

    private async Task<(ApiKeyRecord Record, string Secret)> CreateKeyAsync()
    {
        var secret = ApiKeySecret.Generate();
        var record = new ApiKeyRecord(ApiKeySecret.NewId(), "test", ApiKeySecret.Hash(secret), _clock.GetUtcNow(), null, null, Revoked: false);
        await _store.CreateAsync(record);
        return (record, secret);
    }
}
