using Gateway.Limits;

namespace Gateway.Tests.Components;

public sealed class TokenChargeCoalescerTests
{
    [Fact]
    public async Task Charges_made_while_one_is_in_flight_are_summed_into_the_next_and_none_is_lost()
    {
        var sent = new List<(string Subject, long Tokens)>();
        var release = new TaskCompletionSource();
        var coalescer = new TokenChargeCoalescer(async (subject, _, tokens) =>
        {
            lock (sent) sent.Add((subject, tokens));
            await release.Task;
        });

        var first = coalescer.ChargeAsync("key:a", 1000, 5).AsTask();         // goes out at once, then waits
        var joined = Enumerable.Range(1, 10).Select(i => coalescer.ChargeAsync("key:a", 1000, i).AsTask()).ToList();
        var other = coalescer.ChargeAsync("key:b", 1000, 7).AsTask();          // another key is not held up
        Assert.All(joined, t => Assert.True(t.IsCompletedSuccessfully));       // handed to the charge in flight
        lock (sent) Assert.Equal([("key:a", 5L), ("key:b", 7L)], sent);

        release.SetResult();
        await Task.WhenAll([first, other]);
        Assert.Equal([("key:a", 5L), ("key:b", 7L), ("key:a", 55L)], sent);   // 1 + 2 + ... + 10 in one charge

        await coalescer.ChargeAsync("key:a", 1000, 3);                          // idle again: sent at once
        Assert.Equal(("key:a", 3L), sent[^1]);
    }

    [Fact]
    public async Task A_failed_send_keeps_later_tokens_pending_and_the_next_charge_sends_them()
    {
        var sent = new List<long>();
        var gate = new TaskCompletionSource();
        bool fail = true;
        var coalescer = new TokenChargeCoalescer(async (_, _, tokens) =>
        {
            await gate.Task;
            if (fail) throw new InvalidOperationException("store down");
            sent.Add(tokens);
        });

        var failing = coalescer.ChargeAsync("key:a", 1000, 10).AsTask();
        await coalescer.ChargeAsync("key:a", 1000, 4);                          // joins the failing one
        gate.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);

        fail = false;
        await coalescer.ChargeAsync("key:a", 1000, 1);
        Assert.Equal([5L], sent);                                                // the 4 waited, then went with the 1
    }
}
