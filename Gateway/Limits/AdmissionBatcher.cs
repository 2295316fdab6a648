using System.Collections.Concurrent;

namespace Gateway.Limits;

/// <summary>
/// Sends admissions one batch at a time per subject: a request arriving while the subject's previous admission is
/// in flight waits for the next batch, which the store decides in one atomic step (the first k of n admitted).
/// A lone request goes out at once, as before; a busy key costs one store round trip per round-trip time
/// instead of one per request.
/// </summary>
public sealed class AdmissionBatcher(Func<string, RateLimitPolicy, int, ValueTask<Admission[]>> admit)
{
    private sealed class Queue
    {
        public readonly List<TaskCompletionSource<Admission>> Waiting = [];
        public bool Sending;
    }

    private readonly ConcurrentDictionary<(string Subject, RateLimitPolicy Policy), Queue> _queues = new();

    public async ValueTask<Admission> AdmitAsync(string subject, RateLimitPolicy policy)
    {
        var key = (subject, policy);
        var queue = _queues.GetOrAdd(key, _ => new Queue());
        TaskCompletionSource<Admission>? waiter = null;
        lock (queue)
        {
            if (queue.Sending)
            {
                waiter = new TaskCompletionSource<Admission>(TaskCreationOptions.RunContinuationsAsynchronously);
                queue.Waiting.Add(waiter);
            }
            else queue.Sending = true;
        }
        if (waiter is not null) return await waiter.Task;
        try
        {
            return (await admit(subject, policy, 1))[0];
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
            TaskCompletionSource<Admission>[] batch;
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
                var admissions = await admit(key.Subject, key.Policy, batch.Length);
                for (int i = 0; i < batch.Length; i++) batch[i].SetResult(admissions[i]);
            }
            catch (Exception error)
            {
                foreach (var waiter in batch) waiter.SetException(error);
            }
        }
    }
}
