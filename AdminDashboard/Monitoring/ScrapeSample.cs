namespace AdminDashboard.Monitoring;

/// <summary>A cumulative histogram bucket: observations &lt;= <see cref="UpperBound"/>.</summary>
public readonly record struct Bucket(double UpperBound, double Count);

/// <summary>One scrape of a replica's /metrics: values by metric name (summed over labels) and histograms' buckets.</summary>
public sealed record ScrapeSample(
    IReadOnlyDictionary<string, double> Values, IReadOnlyDictionary<string, IReadOnlyList<Bucket>> Histograms, IReadOnlyList<string> Models)
{
    public double? Value(string name) => Values.TryGetValue(name, out var value) ? value : null;
}

/// <summary>One round of scrapes: every replica's sample (null where the scrape failed), at the same moment.</summary>
public sealed record MetricsTick(DateTimeOffset At, IReadOnlyList<ScrapeSample?> Replicas);
