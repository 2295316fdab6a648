using System.Globalization;

namespace InferenceService.Tests.Api;

/// <summary>Samples of a replica's /metrics (vLLM's Prometheus text).</summary>
public static class VllmMetricsText
{
    /// <summary>The value of one sample, e.g. vllm:num_requests_running.</summary>
    public static async Task<double> MetricAsync(this HttpClient http, string name)
    {
        var text = await http.GetStringAsync("metrics");
        var line = text.Split('\n').First(l => l.StartsWith(name + "{", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
