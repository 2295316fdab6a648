using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ServiceDefaults.Tests;

/// <summary>The per-address budget of failed attempts, on a fake clock: exact refill times, no waiting.</summary>
public sealed class FailedAttemptLimiterTests
{
    [Fact]
    public void An_address_over_its_budget_waits_until_one_failure_has_refilled_and_others_are_not_affected()
    {
        var clock = new FakeTimeProvider();
        var limiter = new FailedAttemptLimiter(perMinute: 3, clock);

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(limiter.RetryAfter("10.0.0.1"));
            limiter.Failed("10.0.0.1");
        }
        Assert.Equal(TimeSpan.FromSeconds(20), limiter.RetryAfter("10.0.0.1"));   // 3 a minute: one every 20 s
        Assert.Null(limiter.RetryAfter("10.0.0.2"));

        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(TimeSpan.FromSeconds(5), limiter.RetryAfter("10.0.0.1"));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(limiter.RetryAfter("10.0.0.1"));
        limiter.Failed("10.0.0.1");
        Assert.Equal(TimeSpan.FromSeconds(20), limiter.RetryAfter("10.0.0.1"));

        clock.Advance(TimeSpan.FromMinutes(5));   // never above the budget: three more, then blocked again
        for (var i = 0; i < 3; i++) limiter.Failed("10.0.0.1");
        Assert.NotNull(limiter.RetryAfter("10.0.0.1"));
    }

    [Fact]
    public void Zero_per_minute_means_no_limit()
    {
        var limiter = new FailedAttemptLimiter(perMinute: 0, new FakeTimeProvider());
        for (var i = 0; i < 100; i++) limiter.Failed("10.0.0.1");
        Assert.Null(limiter.RetryAfter("10.0.0.1"));
    }
}
