namespace Gateway.Limits;

/// <summary>
/// The tokens a request reserved at admission (its estimate), settled once: to the usage the replica reported
/// (<see cref="SettleAsync"/>: the difference is charged or given back), or given back whole when nothing was generated
/// (<see cref="RefundAsync"/>). A response whose usage is never seen (the client left, the stream ended in an error
/// event, a body that is not JSON) is never settled: its reservation stays charged.
/// </summary>
public sealed class TokenReservation(RateLimiter limiter, string subject, int tokensPerMinute, long reserved)
{
    private int _settled;

    public long Reserved => reserved;

    public ValueTask SettleAsync(long used) => Once() ? limiter.ChargeTokensAsync(subject, tokensPerMinute, used - reserved) : default;

    public ValueTask RefundAsync() => Once() ? limiter.ChargeTokensAsync(subject, tokensPerMinute, -reserved) : default;

    private bool Once() => Interlocked.Exchange(ref _settled, 1) == 0;
}
