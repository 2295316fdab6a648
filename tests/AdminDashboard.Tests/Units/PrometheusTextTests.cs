using AdminDashboard.Monitoring;

namespace AdminDashboard.Tests.Units;

public sealed class PrometheusTextTests
{
    // The shape InferenceService writes (vLLM names, model_name label), plus an escaped label value.
    private const string Scrape = """
        # HELP vllm:num_requests_running Number of requests in model execution batches.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{model_name="stories260K"} 2
        # TYPE vllm:kv_cache_usage_perc gauge
        vllm:kv_cache_usage_perc{model_name="stories260K"} 0.125
        # TYPE vllm:generation_tokens_total counter
        vllm:generation_tokens_total{model_name="stories260K"} 1234
        vllm:request_success_total{model_name="stories260K",finished_reason="stop"} 3
        vllm:request_success_total{model_name="stories260K",finished_reason="length"} 4
        # TYPE vllm:time_to_first_token_seconds histogram
        vllm:time_to_first_token_seconds_bucket{model_name="stories260K",le="0.1"} 2
        vllm:time_to_first_token_seconds_bucket{model_name="stories260K",le="0.5"} 6
        vllm:time_to_first_token_seconds_bucket{model_name="stories260K",le="+Inf"} 7
        vllm:time_to_first_token_seconds_sum{model_name="stories260K"} 2.5
        vllm:time_to_first_token_seconds_count{model_name="stories260K"} 7
        odd{path="a \"quoted\" \\ value",model_name="other"} 1 1700000000000
        """;

    [Fact]
    public void Reads_gauges_counters_summed_over_labels_and_histogram_buckets()
    {
        var sample = PrometheusText.Parse(Scrape);

        Assert.Equal(2, sample.Value(VllmNames.Running));
        Assert.Equal(0.125, sample.Value(VllmNames.KvCacheUsage));
        Assert.Equal(1234, sample.Value(VllmNames.GenerationTokens));
        Assert.Equal(7, sample.Value("vllm:request_success_total"));
        Assert.Equal(7, sample.Value("vllm:time_to_first_token_seconds_count"));
        Assert.Equal(1, sample.Value("odd"));
        Assert.Equal([new Bucket(0.1, 2), new Bucket(0.5, 6), new Bucket(double.PositiveInfinity, 7)],
            sample.Histograms[VllmNames.TimeToFirstToken]);
        Assert.Equal(["other", "stories260K"], sample.Models);
    }

    [Theory]
    [InlineData("name 1.5e3", "name", 1500)]
    [InlineData("name{} 7", "name", 7)]
    [InlineData("name{a=\"x,y\"} NaN", "name", double.NaN)]
    [InlineData("name +Inf", "name", double.PositiveInfinity)]
    public void Parses_a_line(string line, string name, double value)
    {
        Assert.True(PrometheusText.TryParseLine(line, out var parsedName, out _, out var parsedValue));
        Assert.Equal(name, parsedName);
        Assert.Equal(value, parsedValue);
    }

    [Theory]
    [InlineData("lonely_name")]
    [InlineData("name{a=\"unterminated} 1")]
    [InlineData("name notanumber")]
    public void Skips_lines_in_another_shape(string line) => Assert.False(PrometheusText.TryParseLine(line, out _, out _, out _));
}
