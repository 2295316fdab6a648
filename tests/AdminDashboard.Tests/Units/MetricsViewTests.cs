using AdminDashboard.Monitoring;

namespace AdminDashboard.Tests.Units;

public sealed class MetricsViewTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    [Fact]
    public void Quantile_interpolates_inside_the_bucket_like_histogram_quantile()
    {
        Bucket[] buckets = [new(0.1, 2), new(0.5, 6), new(1, 10), new(double.PositiveInfinity, 10)];

        Assert.Equal(0.4, MetricsView.QuantileOf(buckets, 0.5)!.Value, 9);   // rank 5: 3 of the 4 in (0.1, 0.5]
        Assert.Equal(0.05, MetricsView.QuantileOf(buckets, 0.1)!.Value, 9);  // rank 1 of the 2 in (0, 0.1]
        Assert.Equal(0.9375, MetricsView.QuantileOf(buckets, 0.95)!.Value, 9);
    }

    [Fact]
    public void Quantile_in_the_open_bucket_is_the_largest_finite_bound_and_nothing_observed_is_null()
    {
        Assert.Equal(1, MetricsView.QuantileOf([new(0.5, 1), new(1, 2), new(double.PositiveInfinity, 10)], 0.95));
        Assert.Null(MetricsView.QuantileOf([new(0.5, 0), new(double.PositiveInfinity, 0)], 0.5));
        Assert.Null(MetricsView.QuantileOf(null, 0.5));
    }

    [Fact]
    public void Rate_sums_replicas_and_counts_a_reset_from_zero()
    {
        var ticks = new List<MetricsTick>
        {
            Tick(0, 100, 50),
            Tick(2, 140, 60),   // +40 and +10 in 2 s
            Tick(4, 10, 80),    // replica 0 restarted: +10, replica 1 +20
            Tick(5, 20, null),  // replica 1 did not answer: replica 0 alone
        };

        var rate = MetricsView.Rate(ticks, VllmNames.GenerationTokens);

        Assert.Equal([25.0, 15.0, 10.0], rate.Select(p => p.Value!.Value));
    }

    [Fact]
    public void Ratio_and_quantile_look_back_over_the_window()
    {
        var ticks = Enumerable.Range(0, 5).Select(i => new MetricsTick(T0.AddSeconds(i * 10), [Sample(new()
        {
            [VllmNames.PrefixHits] = i * 10,
            [VllmNames.PrefixQueries] = i * 40,
        }, [new(0.1, i), new(double.PositiveInfinity, i)])])).ToList();

        var ratio = MetricsView.Ratio(ticks, VllmNames.PrefixHits, VllmNames.PrefixQueries, TimeSpan.FromSeconds(20), 100);
        var p50 = MetricsView.Quantile(ticks, VllmNames.TimeToFirstToken, 0.5, TimeSpan.FromSeconds(20));

        Assert.All(ratio, p => Assert.Equal(25, p.Value));
        Assert.All(p50, p => Assert.Equal(0.05, p.Value!.Value, 9));
    }

    [Fact]
    public void Gauge_of_one_replica_or_the_sum_scaled()
    {
        var ticks = new List<MetricsTick> { new(T0, [Sample(new() { [VllmNames.KvCacheUsage] = 0.25 }), Sample(new() { [VllmNames.KvCacheUsage] = 0.5 })]) };

        Assert.Equal(50, MetricsView.Gauge(ticks, VllmNames.KvCacheUsage, replica: 1, scale: 100).Single().Value);
        Assert.Equal(0.75, MetricsView.Gauge(ticks, VllmNames.KvCacheUsage).Single().Value);
        Assert.Equal(0.75, MetricsView.Latest(ticks, VllmNames.KvCacheUsage));
    }

    private static MetricsTick Tick(int seconds, double? replica0, double? replica1) => new(T0.AddSeconds(seconds),
        [replica0 is { } a ? Sample(new() { [VllmNames.GenerationTokens] = a }) : null, replica1 is { } b ? Sample(new() { [VllmNames.GenerationTokens] = b }) : null]);

    private static ScrapeSample Sample(Dictionary<string, double> values, Bucket[]? ttft = null) => new(values,
        ttft is null ? new Dictionary<string, IReadOnlyList<Bucket>>() : new Dictionary<string, IReadOnlyList<Bucket>> { [VllmNames.TimeToFirstToken] = ttft }, []);
}
