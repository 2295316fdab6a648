using System.Globalization;
using System.Text;

namespace InferenceService.Metrics;

/// <summary>A cumulative Prometheus histogram (buckets, sum, count) written in the text exposition format.</summary>
public sealed class PrometheusHistogram(string name, string help, double[] buckets)
{
    private readonly long[] _counts = new long[buckets.Length];
    private readonly Lock _lock = new();
    private long _count;
    private double _sum;

    public void Observe(double value)
    {
        lock (_lock)
        {
            for (int i = 0; i < buckets.Length; i++) if (value <= buckets[i]) _counts[i]++;
            _count++;
            _sum += value;
        }
    }

    public string Name => name;

    public void WriteHeader(StringBuilder text)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" histogram\n");
    }

    /// <summary>The series of one label set (after the family's <see cref="WriteHeader"/>).</summary>
    public void WriteSeries(StringBuilder text, string labels)
    {
        lock (_lock)
        {
            for (int i = 0; i < buckets.Length; i++)
                text.Append(name).Append("_bucket{").Append(labels).Append(",le=\"").Append(Format(buckets[i])).Append("\"} ").Append(_counts[i]).Append('\n');
            text.Append(name).Append("_bucket{").Append(labels).Append(",le=\"+Inf\"} ").Append(_count).Append('\n');
            text.Append(name).Append("_sum{").Append(labels).Append("} ").Append(Format(_sum)).Append('\n');
            text.Append(name).Append("_count{").Append(labels).Append("} ").Append(_count).Append('\n');
        }
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
