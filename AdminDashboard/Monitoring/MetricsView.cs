namespace AdminDashboard.Monitoring;

/// <summary>A point of a chart line; a null value is a gap (nothing to show at that moment).</summary>
public readonly record struct ChartPoint(DateTimeOffset At, double? Value);

/// <summary>A chart line.</summary>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<ChartPoint> Points)
{
    public double? Latest => Points.LastOrDefault(p => p.Value is not null).Value;
}

/// <summary>
/// What the charts show, derived from the scrape ticks the way PromQL would: rate() of counters, gauges as they are,
/// histogram_quantile() over a sliding window, and ratios of counter increases. Counter resets (a restarted replica)
/// count from zero.
/// </summary>
public static class MetricsView
{
    /// <summary>Per-second increase of a counter between consecutive ticks, summed over the replicas.</summary>
    public static List<ChartPoint> Rate(IReadOnlyList<MetricsTick> ticks, string counter)
    {
        var points = new List<ChartPoint>(ticks.Count);
        for (var i = 1; i < ticks.Count; i++)
        {
            var seconds = (ticks[i].At - ticks[i - 1].At).TotalSeconds;
            var increase = Increase(ticks[i - 1], ticks[i], counter);
            points.Add(new ChartPoint(ticks[i].At, increase is { } inc && seconds > 0 ? inc / seconds : null));
        }
        return points;
    }

    /// <summary>A gauge of one replica (or the sum over all with <paramref name="replica"/> null), times <paramref name="scale"/>.</summary>
    public static List<ChartPoint> Gauge(IReadOnlyList<MetricsTick> ticks, string gauge, int? replica = null, double scale = 1)
    {
        var points = new List<ChartPoint>(ticks.Count);
        foreach (var tick in ticks)
        {
            double? value = null;
            for (var r = 0; r < tick.Replicas.Count; r++)
            {
                if (replica is { } only && r != only) continue;
                if (tick.Replicas[r]?.Value(gauge) is { } v) value = (value ?? 0) + v * scale;
            }
            points.Add(new ChartPoint(tick.At, value));
        }
        return points;
    }

    /// <summary>The q-quantile of a histogram's observations within <paramref name="window"/> before each tick (all replicas).</summary>
    public static List<ChartPoint> Quantile(IReadOnlyList<MetricsTick> ticks, string histogram, double q, TimeSpan window)
    {
        var points = new List<ChartPoint>(ticks.Count);
        for (var i = 1; i < ticks.Count; i++)
        {
            var j = WindowStart(ticks, i, window);
            points.Add(new ChartPoint(ticks[i].At, QuantileOf(BucketIncrease(ticks[j], ticks[i], histogram), q)));
        }
        return points;
    }

    /// <summary>Increase of <paramref name="numerator"/> over increase of <paramref name="denominator"/> within the window, times <paramref name="scale"/>.</summary>
    public static List<ChartPoint> Ratio(IReadOnlyList<MetricsTick> ticks, string numerator, string denominator, TimeSpan window, double scale = 1)
    {
        var points = new List<ChartPoint>(ticks.Count);
        for (var i = 1; i < ticks.Count; i++)
        {
            var j = WindowStart(ticks, i, window);
            var num = Increase(ticks[j], ticks[i], numerator);
            var den = Increase(ticks[j], ticks[i], denominator);
            points.Add(new ChartPoint(ticks[i].At, num is { } n && den is { } d && d > 0 ? n / d * scale : null));
        }
        return points;
    }

    /// <summary>The latest value of a metric summed over the replicas that answered (e.g. a counter's total).</summary>
    public static double? Latest(IReadOnlyList<MetricsTick> ticks, string name)
    {
        for (var i = ticks.Count - 1; i >= 0; i--)
        {
            double? sum = null;
            foreach (var sample in ticks[i].Replicas)
                if (sample?.Value(name) is { } v) sum = (sum ?? 0) + v;
            if (sum is not null) return sum;
        }
        return null;
    }

    /// <summary>Prometheus' histogram_quantile over cumulative buckets: linear interpolation inside the bucket.</summary>
    public static double? QuantileOf(IReadOnlyList<Bucket>? buckets, double q)
    {
        if (buckets is null || buckets.Count == 0) return null;
        var total = buckets[^1].Count;
        if (total <= 0) return null;
        var rank = q * total;
        for (var i = 0; i < buckets.Count; i++)
        {
            if (buckets[i].Count < rank) continue;
            if (double.IsPositiveInfinity(buckets[i].UpperBound)) return i > 0 ? buckets[i - 1].UpperBound : null;
            var lower = i > 0 ? buckets[i - 1].UpperBound : 0;
            var below = i > 0 ? buckets[i - 1].Count : 0;
            var inBucket = buckets[i].Count - below;
            return inBucket <= 0 ? buckets[i].UpperBound : lower + (buckets[i].UpperBound - lower) * (rank - below) / inBucket;
        }
        return buckets[^1].UpperBound;
    }

    private static int WindowStart(IReadOnlyList<MetricsTick> ticks, int i, TimeSpan window)
    {
        var j = i - 1;
        while (j > 0 && ticks[i].At - ticks[j - 1].At <= window) j--;
        return j;
    }

    private static double? Increase(MetricsTick from, MetricsTick to, string counter)
    {
        double? sum = null;
        for (var r = 0; r < to.Replicas.Count && r < from.Replicas.Count; r++)
        {
            if (from.Replicas[r]?.Value(counter) is not { } before || to.Replicas[r]?.Value(counter) is not { } after) continue;
            sum = (sum ?? 0) + (after >= before ? after - before : after);
        }
        return sum;
    }

    private static List<Bucket>? BucketIncrease(MetricsTick from, MetricsTick to, string histogram)
    {
        List<Bucket>? sum = null;
        for (var r = 0; r < to.Replicas.Count && r < from.Replicas.Count; r++)
        {
            if (from.Replicas[r] is not { } a || to.Replicas[r] is not { } b) continue;
            if (!a.Histograms.TryGetValue(histogram, out var before) || !b.Histograms.TryGetValue(histogram, out var after)) continue;
            if (before.Count != after.Count) continue;
            var reset = after.Zip(before).Any(p => p.First.Count < p.Second.Count);
            var increase = after.Select((bucket, k) => new Bucket(bucket.UpperBound, reset ? bucket.Count : bucket.Count - before[k].Count)).ToList();
            sum = sum is null ? increase : sum.Select((bucket, k) => bucket with { Count = bucket.Count + increase[k].Count }).ToList();
        }
        return sum;
    }
}
