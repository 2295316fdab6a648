using System.Collections.Concurrent;

namespace Gateway.Limits;

/// <summary>
/// Sends admissions one batch at a time per subject: a request arriving while the subject's previous admission is
/// in flight waits for the next batch, which the store decides in one atomic step (the first k of n admitted, each
/// with its own token reservation). A lone request goes out at once, as before; a busy key costs one store round
/// trip per round-trip time instead of one per request.
/// </summary>
public sealed class AdmissionBatcher(Func<string, RateLimitPolicy, long[], ValueTask<Admission[]>> admit)
{
    private sealed class Queue
    {
        public readonly List<(TaskCompletionSource<Admission> Waiter, long Tokens)> Waiting = [];
        public bool Sending;
    }

    private readonly ConcurrentDictionary<(string Subject, RateLimitPolicy Policy), Queue> _queues = new();

    /// <summary>Admits one request that would reserve <paramref name="tokens"/>.</summary>
    public async ValueTask<Admission> AdmitAsync(string subject, RateLimitPolicy policy, long tokens = 0)
    {
        var key = (subject, policy);
        var queue = _queues.GetOrAdd(key, _ => new Queue());
        TaskCompletionSource<Admission>? waiter = null;
        lock (queue)
        {
            if (queue.Sending)
            {
                waiter = new TaskCompletionSource<Admission>(TaskCreationOptions.RunContinuationsAsynchronously);
                queue.Waiting.Add((waiter, tokens));
            }
            else queue.Sending = true;
        }
        if (waiter is not null) return await waiter.Task;
        try
        {
            return (await admit(subject, policy, [tokens]))[0];
        }
        finally
        {
            // Whatever queued behind this request is sent now, batch after batch, without holding up its caller.
            _ = SendWaitingAsync(key, queue);
        }
    }

    private async Task SendWaitingAsync((string Subject, RateLimitPolicy Policy) key, Queue queue)
    {
        while (true)
        {
            (TaskCompletionSource<Admission> Waiter, long Tokens)[] batch;
            lock (queue)
            {
                if (queue.Waiting.Count == 0)
                {
                    queue.Sending = false;
                    // Idle subjects (client IPs included) do not stay in memory. A request holding this queue
                    // already still works: it finds Sending false and sends for itself.
                    _queues.TryRemove(KeyValuePair.Create(key, queue));
                    return;
                }
                batch = [.. queue.Waiting];
                queue.Waiting.Clear();
            }
            try
            {
                var admissions = await admit(key.Subject, key.Policy, batch.Select(b => b.Tokens).ToArray());
                for (int i = 0; i < batch.Length; i++) batch[i].Waiter.SetResult(admissions[i]);
            }
            catch (Exception error)
            {
                foreach (var (waiter, _) in batch) waiter.SetException(error);
            }
        }
    }
}
