using Gateway.Limits;

namespace Gateway.Tests.Components;

public sealed class AdmissionBatcherTests
{
    private static readonly RateLimitPolicy Policy = new(RequestsPerMinute: 100, TokensPerMinute: 0);

    [Fact]
    public async Task Requests_arriving_while_one_is_in_flight_are_decided_in_one_batch_in_arrival_order()
    {
        var calls = new List<int>();
        var release = new TaskCompletionSource();
        int next = 0;
        var batcher = new AdmissionBatcher(async (_, policy, tokens) =>
        {
            lock (calls) calls.Add(tokens.Length);
            await release.Task;
            // Number the admissions so each caller can tell which one it got.
            return Enumerable.Range(0, tokens.Length).Select(_ => Admission.From(true, policy, Interlocked.Increment(ref next), 0)).ToArray();
        });

        var first = batcher.AdmitAsync("key:a", Policy).AsTask();
        var queued = Enumerable.Range(0, 5).Select(_ => batcher.AdmitAsync("key:a", Policy).AsTask()).ToList();
        var otherKey = batcher.AdmitAsync("key:b", Policy).AsTask();
        lock (calls) Assert.Equal([1, 1], calls);           // key:a's first and key:b's go out at once
        Assert.All(queued, t => Assert.False(t.IsCompleted));

        release.SetResult();
        await Task.WhenAll([first, otherKey, .. queued]);
        Assert.Equal([1, 1, 5], calls);                      // the five waited for one batch
        var order = queued.Select(t => t.Result.Requests!.Value.Level).ToList();
        Assert.Equal(order.Order(), order);                  // admissions handed out in arrival order

        Assert.True((await batcher.AdmitAsync("key:a", Policy)).Allowed);   // idle again: alone, at once
        Assert.Equal([1, 1, 5, 1], calls);
    }

    [Fact]
    public async Task A_failing_store_fails_the_whole_batch_and_the_next_request_is_sent_again()
    {
        var gate = new TaskCompletionSource();
        bool fail = true;
        var batcher = new AdmissionBatcher(async (_, policy, tokens) =>
        {
            await gate.Task;
            if (fail) throw new InvalidOperationException("store down");
            return Enumerable.Repeat(Admission.From(true, policy, 1, 0), tokens.Length).ToArray();
        });

        var first = batcher.AdmitAsync("key:a", Policy).AsTask();
        var queued = Enumerable.Range(0, 3).Select(_ => batcher.AdmitAsync("key:a", Policy).AsTask()).ToList();
        gate.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        foreach (var waiter in queued) await Assert.ThrowsAsync<InvalidOperationException>(() => waiter);   // none left hanging

        fail = false;
        Assert.True((await batcher.AdmitAsync("key:a", Policy)).Allowed);
    }
}
