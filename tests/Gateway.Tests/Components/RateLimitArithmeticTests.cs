using Gateway.Limits;
using Gateway.Redis;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Components;

/// <summary>
/// The bucket rules on a fake clock, so every level and wait is exact: on this process's buckets and on the Redis
/// script (against a real redis-server, the clock passed in by the gateway).
/// </summary>
public sealed class RateLimitArithmeticTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new();
    private RedisServer _redis = null!;
    private RedisConnection _connection = null!;

    public static TheoryData<string> Stores => ["local", "redis"];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await RedisConnection.ConnectAsync(_redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private sealed record Store(Func<string, RateLimitPolicy, long, ValueTask<Admission>> Admit, Func<string, int, long, ValueTask<double>> Charge);

    private Store Open(string kind)
    {
        if (kind == "local")
        {
            var local = new LocalRateLimitStore(_clock);
            return new Store(local.AdmitAsync, local.ChargeTokensAsync);
        }
        var shared = new RedisRateLimitStore(_connection, _clock);
        return new Store(async (subject, policy, tokens) => (await shared.AdmitAsync(subject, policy, [tokens]))[0], shared.ChargeTokensAsync);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_request_limit_admits_exactly_what_has_refilled_and_Retry_After_is_the_exact_time_to_the_next_unit(string kind)
    {
        var store = Open(kind);
        var policy = new RateLimitPolicy(RequestsPerMinute: 60, TokensPerMinute: 0);   // one request a second
        var remaining = new List<long>();
        for (var i = 0; i < 60; i++)
        {
            var admission = await store.Admit("k", policy, 0);
            Assert.True(admission.Allowed);
            remaining.Add(admission.Requests!.Value.Remaining);
        }
        Assert.Equal(Enumerable.Range(0, 60).Reverse().Select(r => (long)r), remaining);

        var refused = await store.Admit("k", policy, 0);
        Assert.False(refused.Allowed);
        Assert.Equal("requests", refused.RefusedBy);
        Assert.Null(refused.Tokens);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(60), refused.Requests!.Value.ResetAfter);

        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(TimeSpan.FromMilliseconds(500), (await store.Admit("k", policy, 0)).RetryAfter);
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True((await store.Admit("k", policy, 0)).Allowed);
        Assert.Equal(TimeSpan.FromSeconds(1), (await store.Admit("k", policy, 0)).RetryAfter);

        _clock.Advance(TimeSpan.FromSeconds(3));
        var afterThreeSeconds = await AdmitSeveralAsync(store, "k", policy, 4);
        Assert.Equal([true, true, true, false], afterThreeSeconds);

        Assert.True((await store.Admit("other", policy, 0)).Allowed);   // subjects are independent
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_tokens_limit_reserves_the_estimate_and_a_debt_blocks_until_exactly_repaid(string kind)
    {
        var store = Open(kind);
        var policy = new RateLimitPolicy(RequestsPerMinute: 0, TokensPerMinute: 600);   // ten tokens a second
        var first = await store.Admit("k", policy, 700);
        Assert.True(first.Allowed);                     // a positive level admits any estimate...
        Assert.Equal(700, first.Reserved);
        Assert.Equal(-100, first.Tokens!.Value.Level);  // ...which is reserved at once

        var refused = await store.Admit("k", policy, 1);
        Assert.False(refused.Allowed);
        Assert.Equal("tokens", refused.RefusedBy);
        Assert.Equal(0, refused.Tokens!.Value.Remaining);
        Assert.Equal(0, refused.Reserved);
        Assert.Equal(TimeSpan.FromMilliseconds(10_001), refused.RetryAfter);   // to 0.01 above zero, at 10 tokens/s
        Assert.Equal(TimeSpan.FromSeconds(70), refused.Tokens.Value.ResetAfter);

        _clock.Advance(TimeSpan.FromSeconds(10));       // exactly back to zero, which is not above it
        var atZero = await store.Admit("k", policy, 1);
        Assert.False(atZero.Allowed);
        Assert.Equal(TimeSpan.FromMilliseconds(1), atZero.RetryAfter);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True((await store.Admit("k", policy, 50)).Allowed);

        // Settling: used beyond the reservation is taken, an unused reservation given back, never above the limit.
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(600, await store.Charge("k", 600, 0));   // full again, and no fuller
        Assert.Equal(100, await store.Charge("k", 600, 500));
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(320, await store.Charge("k", 600, -200));
        Assert.Equal(600, await store.Charge("k", 600, -1_000));
    }

    [Fact]
    public void Retry_After_is_the_wait_in_whole_seconds_rounded_up()
    {
        var policy = new RateLimitPolicy(RequestsPerMinute: 0, TokensPerMinute: 600);
        var context = new DefaultHttpContext();
        RateLimitHeaders.Apply(context.Response, Admission.From(false, policy, 0, -100));
        Assert.Equal("11", context.Response.Headers.RetryAfter.ToString());   // 10.001 s
        Assert.Equal("0", context.Response.Headers["x-ratelimit-remaining-tokens"].ToString());
        Assert.Equal("1m10s", context.Response.Headers["x-ratelimit-reset-tokens"].ToString());
    }

    [Fact]
    public void Refill_is_continuous_and_capped()
    {
        Assert.Equal(5.5, TokenBucket.Refill(5, 3_000, 10));
        Assert.Equal(10, TokenBucket.Refill(9, 60_000, 10));
        Assert.Equal(-4, TokenBucket.Refill(-4, -100, 10)); // A clock going backwards adds nothing.
        Assert.Equal(TimeSpan.FromSeconds(12), TokenBucket.TimeUntil(0, 2, 10));
    }

    [Theory]
    [InlineData(0.4, "1ms")]
    [InlineData(250, "250ms")]
    [InlineData(6000, "6s")]
    [InlineData(1500, "1.5s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(360_000, "6m0s")]
    [InlineData(119_999.6, "2m0s")]
    public void Durations_are_written_the_way_OpenAI_writes_them(double milliseconds, string expected) =>
        Assert.Equal(expected, RateLimitHeaders.FormatDuration(TimeSpan.FromMilliseconds(milliseconds)));

    private static async Task<bool[]> AdmitSeveralAsync(Store store, string subject, RateLimitPolicy policy, int count)
    {
        var allowed = new bool[count];
        for (var i = 0; i < count; i++) allowed[i] = (await store.Admit(subject, policy, 0)).Allowed;
        return allowed;
    }
}
