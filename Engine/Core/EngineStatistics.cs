using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Engine.Core;

/// <summary>
/// Token counters and per-request latencies (queue time, time to first token, inter-token latency, end to end),
/// kept as totals here and published through the "Engine" meter.
/// </summary>
public sealed class EngineStatistics
{
    public static readonly Meter Meter = new("Engine");
    private static readonly Histogram<double> QueueTime = Meter.CreateHistogram<double>("engine.request.queue_time", "s");
    private static readonly Histogram<double> TimeToFirstToken = Meter.CreateHistogram<double>("engine.request.time_to_first_token", "s");
    private static readonly Histogram<double> InterTokenLatency = Meter.CreateHistogram<double>("engine.request.inter_token_latency", "s");
    private static readonly Histogram<double> EndToEnd = Meter.CreateHistogram<double>("engine.request.e2e_latency", "s");

    private long _promptTokens, _generationTokens, _rejected, _drafts, _draftTokens, _acceptedDraftTokens;

    public long PromptTokens => Interlocked.Read(ref _promptTokens);
    public long GenerationTokens => Interlocked.Read(ref _generationTokens);
    /// <summary>Requests refused because the waiting queue was full.</summary>
    public long RejectedRequests => Interlocked.Read(ref _rejected);

    /// <summary>Speculative decoding: verifications of a sequence's drafts, the draft tokens proposed, and those the target
    /// accepted (vLLM's spec_decode_num_drafts / _num_draft_tokens / _num_accepted_tokens).</summary>
    public long Drafts => Interlocked.Read(ref _drafts);
    public long DraftTokens => Interlocked.Read(ref _draftTokens);
    public long AcceptedDraftTokens => Interlocked.Read(ref _acceptedDraftTokens);

    /// <summary>Raised for every finished request (finish reason, timings) so hosts can export their own metrics.</summary>
    public event Action<Sequence>? Finished;
    public event Action<Sequence, double?>? Token;

    internal void DraftsVerified(int proposed, int accepted)
    {
        Interlocked.Increment(ref _drafts);
        Interlocked.Add(ref _draftTokens, proposed);
        Interlocked.Add(ref _acceptedDraftTokens, accepted);
    }

    internal void RequestRejected() => Interlocked.Increment(ref _rejected);

    internal void PromptTokensComputed(Sequence seq, int tokens, bool reachedEnd)
    {
        // Count prompt tokens once, when the prompt is done (recomputation after preemption is not new work).
        if (reachedEnd && seq.CompletionLength == 0) Interlocked.Add(ref _promptTokens, seq.PromptLength);
    }

    internal void TokenGenerated(Sequence seq, long now)
    {
        Interlocked.Increment(ref _generationTokens);
        double? itl = null;
        if (seq.LastTokenTimestamp is { } last)
        {
            itl = Stopwatch.GetElapsedTime(last, now).TotalSeconds;
            InterTokenLatency.Record(itl.Value);
        }
        else
        {
            TimeToFirstToken.Record(Stopwatch.GetElapsedTime(seq.ArrivalTimestamp, now).TotalSeconds);
            if (seq.FirstScheduledTimestamp is { } scheduled)
                QueueTime.Record(Stopwatch.GetElapsedTime(seq.ArrivalTimestamp, scheduled).TotalSeconds);
        }
        Token?.Invoke(seq, itl);
    }

    internal void RequestFinished(Sequence seq)
    {
        EndToEnd.Record(Stopwatch.GetElapsedTime(seq.ArrivalTimestamp).TotalSeconds);
        Finished?.Invoke(seq);
    }
}
