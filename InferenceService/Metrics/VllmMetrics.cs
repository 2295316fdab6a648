using System.Diagnostics;
using System.Text;
using Engine.Core;

namespace InferenceService.Metrics;

/// <summary>
/// One served model's engine metrics under vLLM's names and meanings (prefix `vllm:`, label model_name), so existing vLLM
/// Grafana dashboards work. GET /metrics renders every loaded model's (<see cref="Render"/>): one series set per model,
/// each family's HELP and TYPE once. A model unloaded takes its series with it.
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
    private readonly LlmEngine _engine;
    private readonly string _labels;

    /// <summary>Starts observing <paramref name="engine"/>, served as <paramref name="modelName"/>.</summary>
    public VllmMetrics(string modelName, LlmEngine engine)
    {
        _engine = engine;
        _labels = $"model_name=\"{modelName.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";
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

    private sealed record Family(string Name, string Help, string Type, Func<VllmMetrics, EngineSnapshot, double> Value);

    private static readonly Family[] Families =
    [
        new("vllm:num_requests_running", "Number of requests in model execution batches.", "gauge", (_, s) => s.Running),
        new("vllm:num_requests_waiting", "Number of requests waiting to be processed.", "gauge", (_, s) => s.Waiting),
        new("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", "gauge", (_, s) => s.KvCacheUsage),
        new("vllm:prompt_tokens_total", "Number of prefill tokens processed.", "counter", (m, _) => m._engine.Statistics.PromptTokens),
        new("vllm:generation_tokens_total", "Number of generation tokens processed.", "counter", (m, _) => m._engine.Statistics.GenerationTokens),
        new("vllm:prefix_cache_queries_total", "Prefix cache queries, in terms of number of queried tokens.", "counter", (_, s) => s.PrefixQueryTokens),
        new("vllm:prefix_cache_hits_total", "Prefix cache hits, in terms of number of cached tokens.", "counter", (_, s) => s.PrefixHitTokens),
        new("vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", "counter", (_, s) => s.Preemptions),
        new("vllm:spec_decode_num_drafts_total", "Number of spec decoding drafts.", "counter", (m, _) => m._engine.Statistics.Drafts),
        new("vllm:spec_decode_num_draft_tokens_total", "Number of draft tokens.", "counter", (m, _) => m._engine.Statistics.DraftTokens),
        new("vllm:spec_decode_num_accepted_tokens_total", "Number of accepted tokens.", "counter", (m, _) => m._engine.Statistics.AcceptedDraftTokens),
    ];

    /// <summary>The Prometheus text of every model in <paramref name="models"/> (empty when none is loaded).</summary>
    public static string Render(IReadOnlyList<VllmMetrics> models)
    {
        var text = new StringBuilder();
        if (models.Count == 0) return "";
        var snapshots = models.Select(m => m._engine.Snapshot()).ToList();
        foreach (var family in Families)
        {
            text.Append($"# HELP {family.Name} {family.Help}\n# TYPE {family.Name} {family.Type}\n");
            for (int i = 0; i < models.Count; i++)
                text.Append($"{family.Name}{{{models[i]._labels}}} {PrometheusHistogram.Format(family.Value(models[i], snapshots[i]))}\n");
        }
        text.Append("# HELP vllm:request_success_total Count of successfully processed requests.\n# TYPE vllm:request_success_total counter\n");
        foreach (var model in models)
            foreach (var reason in new[] { FinishReason.Stop, FinishReason.Length, FinishReason.Abort })
                text.Append($"vllm:request_success_total{{{model._labels},finished_reason=\"{reason.ToString().ToLowerInvariant()}\"}} {Interlocked.Read(ref model._finished[(int)reason])}\n");
        foreach (var histogram in new Func<VllmMetrics, PrometheusHistogram>[] { m => m._ttft, m => m._itl, m => m._e2e, m => m._queue })
        {
            histogram(models[0]).WriteHeader(text);
            foreach (var model in models) histogram(model).WriteSeries(text, model._labels);
        }
        return text.ToString();
    }
}
