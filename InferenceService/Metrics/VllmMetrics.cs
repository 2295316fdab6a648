using System.Diagnostics;
using System.Text;
using Engine.Core;
using InferenceService.Api;

namespace InferenceService.Metrics;

/// <summary>
/// The engine's metrics under vLLM's names and meanings (prefix `vllm:`, label model_name), so existing vLLM
/// Grafana dashboards work: served at GET /metrics in the Prometheus text format.
/// </summary>
public sealed class VllmMetrics
{
    private static readonly double[] TtftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
    private static readonly double[] ItlBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
    private static readonly double[] RequestBuckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

    private readonly PrometheusHistogram _ttft = new("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", TtftBuckets);
    private readonly PrometheusHistogram _itl = new("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", ItlBuckets);
    private readonly PrometheusHistogram _e2e = new("vllm:e2e_request_latency_seconds", "Histogram of end to end request latency in seconds.", RequestBuckets);
    private readonly PrometheusHistogram _queue = new("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", RequestBuckets);
    private readonly long[] _finished = new long[3];
    private LlmEngine? _engine;

    /// <summary>Starts observing the engine (once it is loaded).</summary>
    public void Attach(LlmEngine engine)
    {
        if (Interlocked.CompareExchange(ref _engine, engine, null) is not null) return;
        engine.Statistics.Token += (seq, interTokenLatency) =>
        {
            if (interTokenLatency is { } itl) _itl.Observe(itl);
            else
            {
                _ttft.Observe(Stopwatch.GetElapsedTime(seq.ArrivalTimestamp).TotalSeconds);
                if (seq.FirstScheduledTimestamp is { } scheduled) _queue.Observe(Stopwatch.GetElapsedTime(seq.ArrivalTimestamp, scheduled).TotalSeconds);
            }
        };
        engine.Statistics.Finished += seq =>
        {
            _e2e.Observe(Stopwatch.GetElapsedTime(seq.ArrivalTimestamp).TotalSeconds);
            Interlocked.Increment(ref _finished[(int)(seq.FinishReason ?? FinishReason.Abort)]);
        };
    }

    public string Render(ServedModel served)
    {
        var text = new StringBuilder();
        string labels = $"model_name=\"{served.Name.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";
        if (_engine is not { } engine) return text.ToString();
        var snapshot = engine.Snapshot();
        var stats = engine.Statistics;
        Gauge(text, "vllm:num_requests_running", "Number of requests in model execution batches.", labels, snapshot.Running);
        Gauge(text, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", labels, snapshot.Waiting);
        Gauge(text, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", labels, snapshot.KvCacheUsage);
        Counter(text, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", labels, stats.PromptTokens);
        Counter(text, "vllm:generation_tokens_total", "Number of generation tokens processed.", labels, stats.GenerationTokens);
        Counter(text, "vllm:prefix_cache_queries_total", "Prefix cache queries, in terms of number of queried tokens.", labels, snapshot.PrefixQueryTokens);
        Counter(text, "vllm:prefix_cache_hits_total", "Prefix cache hits, in terms of number of cached tokens.", labels, snapshot.PrefixHitTokens);
        Counter(text, "vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", labels, snapshot.Preemptions);
        Counter(text, "vllm:spec_decode_num_drafts_total", "Number of spec decoding drafts.", labels, stats.Drafts);
        Counter(text, "vllm:spec_decode_num_draft_tokens_total", "Number of draft tokens.", labels, stats.DraftTokens);
        Counter(text, "vllm:spec_decode_num_accepted_tokens_total", "Number of accepted tokens.", labels, stats.AcceptedDraftTokens);
        text.Append("# HELP vllm:request_success_total Count of successfully processed requests.\n# TYPE vllm:request_success_total counter\n");
        foreach (var reason in new[] { FinishReason.Stop, FinishReason.Length, FinishReason.Abort })
            text.Append($"vllm:request_success_total{{{labels},finished_reason=\"{reason.ToString().ToLowerInvariant()}\"}} {Interlocked.Read(ref _finished[(int)reason])}\n");
        _ttft.Write(text, labels);
        _itl.Write(text, labels);
        _e2e.Write(text, labels);
        _queue.Write(text, labels);
        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, string labels, double value) =>
        text.Append($"# HELP {name} {help}\n# TYPE {name} gauge\n{name}{{{labels}}} {PrometheusHistogram.Format(value)}\n");

    private static void Counter(StringBuilder text, string name, string help, string labels, long value) =>
        text.Append($"# HELP {name} {help}\n# TYPE {name} counter\n{name}{{{labels}}} {value}\n");
}
