namespace Engine.Core;

/// <summary>
/// Chooses each step's work (vLLM V1's scheduler in nano-vllm's shape). Running sequences go first, oldest
/// first: decodes take one token each, unfinished prefills continue with a chunk. Waiting sequences then
/// fill what remains of the token budget, chunked when a prompt does not fit, in the same step. When the
/// KV pool runs dry the newest (or, under the priority policy, least important) running sequence is
/// preempted: its blocks are freed and it waits again, at its old place, to be recomputed.
/// </summary>
public sealed class Scheduler
{
    private readonly EngineOptions _options;
    private readonly BlockManager _blocks;
    private readonly IComparer<Sequence> _order;
    private readonly SortedSet<Sequence> _waiting;
    private readonly List<Sequence> _running = [];
    private readonly Func<Sequence, int> _lookahead;

    /// <param name="lookahead">Speculative decoding: how many draft tokens a decoding sequence may have verified in its
    /// step (0: none).</param>
    public Scheduler(EngineOptions options, BlockManager blocks, Func<Sequence, int>? lookahead = null)
    {
        _options = options;
        _blocks = blocks;
        _lookahead = lookahead ?? (_ => 0);
        _order = Comparer<Sequence>.Create(CompareOrder(_options.SchedulingPolicy));
        _waiting = new SortedSet<Sequence>(_order);
    }

    public int WaitingCount => _waiting.Count;
    public int RunningCount => _running.Count;
    public long Preemptions { get; private set; }
    /// <summary>Prompt tokens looked up in / found in the prefix cache at admission (vLLM's prefix_cache_queries / _hits).</summary>
    public long PrefixQueryTokens { get; private set; }
    public long PrefixHitTokens { get; private set; }
    public bool HasWork => _waiting.Count > 0 || _running.Count > 0;

    /// <summary>Every sequence running or waiting.</summary>
    public IReadOnlyList<Sequence> Unfinished => [.. _running, .. _waiting];

    /// <summary>Queues the sequences of one request, all or none: the queue must have room for every one of them.</summary>
    public void Add(IReadOnlyList<Sequence> sequences)
    {
        if (_waiting.Count + sequences.Count > _options.MaxNumQueuedRequests) throw new QueueFullException(_options.MaxNumQueuedRequests);
        foreach (var seq in sequences)
        {
            seq.Status = SequenceStatus.Waiting;
            _waiting.Add(seq);
        }
    }

    public List<ScheduledSequence> Schedule()
    {
        var scheduled = new List<ScheduledSequence>();
        int budget = _options.MaxNumBatchedTokens;
        bool preempted = false;

        foreach (var seq in _running.Order(_order).ToList())
        {
            if (budget == 0) break;
            if (seq.Status != SequenceStatus.Running) continue;   // preempted earlier in this loop
            int tokens = Math.Min(seq.UncomputedTokens, budget);
            // Draft slots are a bonus: they take only budget and free blocks that are there, and never preempt anyone themselves.
            int lookahead = seq.UncomputedTokens == 1 ? Math.Min(_lookahead(seq), budget - 1) : 0;
            if (lookahead > 0 && !_blocks.TryAllocate(seq, tokens + lookahead)) lookahead = 0;
            while (!_blocks.TryAllocate(seq, tokens))
            {
                var victim = _running.Where(s => !scheduled.Any(x => x.Sequence == s)).MaxBy(s => s, _order)!;
                Preempt(victim);
                preempted = true;
                if (victim == seq) break;
            }
            if (seq.Status != SequenceStatus.Running) continue;
            scheduled.Add(new ScheduledSequence(seq, tokens) { Lookahead = lookahead });
            budget -= tokens + lookahead;
        }

        // New work only when nothing had to give way this step (as vLLM: avoids thrashing).
        while (!preempted && budget > 0 && _waiting.Count > 0 && _running.Count < _options.MaxNumSeqs)
        {
            var seq = _waiting.Min!;
            if (!AdapterFits(seq)) break;
            // A mean needs every position's hidden state, so a mean-pooling sequence computes its whole prompt.
            if (seq.BlockTable.Count == 0 && seq.Pooling?.Type != Pooling.PoolingType.Mean) _blocks.AllocateCachedPrefix(seq);
            int tokens = Math.Min(seq.UncomputedTokens, budget);
            if (!_blocks.TryAllocate(seq, tokens))
            {
                _blocks.Free(seq);   // keep nothing while waiting; the prefix stays cached
                break;
            }
            _waiting.Remove(seq);
            if (_blocks.PrefixCaching)
            {
                PrefixQueryTokens += seq.Length;
                PrefixHitTokens += seq.PrefixHitTokens;
            }
            seq.FirstScheduledTimestamp ??= System.Diagnostics.Stopwatch.GetTimestamp();
            seq.Status = SequenceStatus.Running;
            _running.Add(seq);
            scheduled.Add(new ScheduledSequence(seq, tokens));
            budget -= tokens;
        }
        return scheduled;
    }

    /// <summary>After the step: the scheduled tokens, and the draft tokens the target accepted, are now in the cache; full
    /// blocks become shareable. The slots of rejected drafts are dropped: blocks wholly past the accepted tokens are freed.</summary>
    public void Computed(IReadOnlyList<ScheduledSequence> step, IReadOnlyList<int> acceptedDrafts)
    {
        for (int i = 0; i < step.Count; i++)
        {
            var (seq, tokens) = step[i];
            if (seq.Status != SequenceStatus.Running) continue;
            seq.CachedTokens += tokens + acceptedDrafts[i];
            if (step[i].Lookahead > 0) _blocks.FreeBlocksAfter(seq, seq.CachedTokens);
            _blocks.CacheFullBlocks(seq);
            _blocks.ReleaseOutsideWindow(seq);
        }
    }

    /// <summary>--max-loras: a sequence joins the running set only if its adapter (if any) is one the set already uses, or the set
    /// uses fewer adapters than that; so no step ever mixes more.</summary>
    private bool AdapterFits(Sequence seq) => seq.Lora is not { } adapter || _running.Any(s => s.Lora == adapter)
        || _running.Select(s => s.Lora).OfType<Lora.LoraAdapter>().Distinct().Count() < _options.MaxLoras;

    public void Finish(Sequence seq, FinishReason reason)
    {
        if (seq.IsFinished) return;
        seq.Status = SequenceStatus.Finished;
        seq.FinishReason = reason;
        _running.Remove(seq);
        _waiting.Remove(seq);
        _blocks.Free(seq);
    }

    private void Preempt(Sequence seq)
    {
        _running.Remove(seq);
        _blocks.Free(seq);
        seq.Status = SequenceStatus.Waiting;
        _waiting.Add(seq);
        Preemptions++;
    }

    /// <summary>FCFS: arrival order. Priority: lower value first, then arrival.</summary>
    private static Comparison<Sequence> CompareOrder(SchedulingPolicy policy) => policy == SchedulingPolicy.Priority
        ? (a, b) => a.Priority != b.Priority ? a.Priority.CompareTo(b.Priority) : a.Arrival.CompareTo(b.Arrival)
        : (a, b) => a.Arrival.CompareTo(b.Arrival);
}
