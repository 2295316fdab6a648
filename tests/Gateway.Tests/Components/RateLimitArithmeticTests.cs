using Gateway.Limits;

namespace Gateway.Tests.Components;

/// <summary>The bucket rules, on the in-process store (the Redis script implements the same rules; the process tests check it).</summary>
public sealed class RateLimitArithmeticTests
{
    [Fact]
    public async Task A_request_limit_admits_exactly_the_limit_then_refuses_with_the_time_to_one_request()
    {
        var store = new LocalRateLimitStore();
        var policy = new RateLimitPolicy(RequestsPerMinute: 3, TokensPerMinute: 0);
        var remaining = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var admission = await store.AdmitAsync("k", policy);
            Assert.True(admission.Allowed);
            remaining.Add(admission.Requests!.Value.Remaining);
        }
        Assert.Equal([2, 1, 0], remaining);

        var refused = await store.AdmitAsync("k", policy);
        Assert.False(refused.Allowed);
        Assert.Equal("requests", refused.RefusedBy);
        Assert.Null(refused.Tokens);
        // One request refills in 60 s / 3 = 20 s (a little less, as time has passed).
        Assert.InRange(refused.RetryAfter.TotalSeconds, 19, 20);

        Assert.True((await store.AdmitAsync("other", policy)).Allowed); // Subjects are independent.
    }

    [Fact]
    public async Task Tokens_are_charged_after_the_fact_and_a_debt_blocks_until_repaid()
    {
        var store = new LocalRateLimitStore();
        var policy = new RateLimitPolicy(RequestsPerMinute: 0, TokensPerMinute: 600);
        Assert.True((await store.AdmitAsync("k", policy)).Allowed);
        await store.ChargeTokensAsync("k", 600, 500);
        var second = await store.AdmitAsync("k", policy);
        Assert.True(second.Allowed);
        Assert.InRange(second.Tokens!.Value.Remaining, 100, 101);

        await store.ChargeTokensAsync("k", 600, 200); // Now about -100: 10 s of refill at 10 tokens/s.
        var refused = await store.AdmitAsync("k", policy);
        Assert.False(refused.Allowed);
        Assert.Equal("tokens", refused.RefusedBy);
        Assert.Equal(0, refused.Tokens!.Value.Remaining);
        Assert.InRange(refused.RetryAfter.TotalSeconds, 9.5, 10.1);
        Assert.InRange(refused.Tokens.Value.ResetAfter.TotalSeconds, 69, 70.1);
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
}
