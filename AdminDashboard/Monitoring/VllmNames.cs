namespace AdminDashboard.Monitoring;

/// <summary>The vLLM metric names the inference replicas serve at /metrics.</summary>
public static class VllmNames
{
    public const string Running = "vllm:num_requests_running";
    public const string Waiting = "vllm:num_requests_waiting";
    public const string KvCacheUsage = "vllm:kv_cache_usage_perc";
    public const string GenerationTokens = "vllm:generation_tokens_total";
    public const string PromptTokens = "vllm:prompt_tokens_total";
    public const string PrefixQueries = "vllm:prefix_cache_queries_total";
    public const string PrefixHits = "vllm:prefix_cache_hits_total";
    public const string TimeToFirstToken = "vllm:time_to_first_token_seconds";
    public const string InterTokenLatency = "vllm:inter_token_latency_seconds";
}
