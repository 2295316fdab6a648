using System.Globalization;

namespace Gateway.Tests.Infrastructure;

/// <summary>Reads an InferenceService replica's vLLM metrics (its Prometheus /metrics).</summary>
public static class ReplicaMetrics
{
    /// <summary>The sum of the samples of <paramref name="name"/> over all their labels.</summary>
    public static async Task<double> SumAsync(ServiceProcess replica, string name) => Sum(await replica.Http.GetStringAsync("metrics"), name);

    private static double Sum(string metrics, string name) => metrics.Split('\n')
        .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
        .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
