using System.Collections.Concurrent;

namespace Gateway.Limits;

/// <summary>
/// Sends token charges one at a time per subject: charges made while the subject's previous one is in flight are
/// summed and sent as the next one. An idle key's charge goes out at once, as before; a busy key costs one store
/// round trip per round-trip time instead of one per request.
/// </summary>
public sealed class TokenChargeCoalescer(Func<string, int, long, ValueTask> send)
{
    private sealed class Pending
    {
        public long Tokens;
        public int TokensPerMinute;
        public bool Sending;
    }

    private readonly ConcurrentDictionary<string, Pending> _subjects = new();

    /// <summary>Completes when these tokens have been sent, alone or with others.</summary>
    public async ValueTask ChargeAsync(string subject, int tokensPerMinute, long tokens)
    {
        var pending = _subjects.GetOrAdd(subject, _ => new Pending());
        lock (pending)
        {
            pending.Tokens += tokens;
            pending.TokensPerMinute = tokensPerMinute;
            if (pending.Sending) return;   // the charge in flight sends these next
            pending.Sending = true;
        }
        try
        {
            while (true)
            {
                long batch;
                int limit;
                lock (pending)
                {
                    if (pending.Tokens == 0)
                    {
                        pending.Sending = false;
                        // Idle keys do not stay in memory; a charge holding this entry already still sends itself.
                        _subjects.TryRemove(KeyValuePair.Create(subject, pending));
                        return;
                    }
                    (batch, limit, pending.Tokens) = (pending.Tokens, pending.TokensPerMinute, 0);
                }
                await send(subject, limit, batch);
            }
        }
        catch
        {
            // Tokens added since stay pending and go with the subject's next charge.
            lock (pending) pending.Sending = false;
            throw;
        }
    }
}
