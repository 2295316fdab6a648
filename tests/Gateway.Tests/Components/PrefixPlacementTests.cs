using Gateway.Configuration;
using Gateway.Redis;
using Gateway.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Components;

/// <summary>
/// Where prompt prefixes are placed, whatever the prefixes: the in-process table and the Redis one (a real redis-server,
/// two stores on their own connections standing for two gateways), on a fake clock. Prefixes are random per seed; the
/// candidates come in each prefix's rendezvous order, as the gateway gives them.
/// </summary>
public sealed class PrefixPlacementTests : IAsyncLifetime
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private readonly FakeTimeProvider _clock = new();
    private readonly GatewayOptions _options = new() { PrefixAffinityTtl = TimeSpan.FromMinutes(10) };
    private RedisServer _redis = null!;
    private RedisConnection _gatewayA = null!, _gatewayB = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _gatewayA = await RedisConnection.ConnectAsync(_redis.ConnectionString);
        _gatewayB = await RedisConnection.ConnectAsync(_redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _gatewayA.DisposeAsync();
        await _gatewayB.DisposeAsync();
        await _redis.DisposeAsync();
    }

    public static TheoryData<string> Stores => ["local", "redis"];

    private IPrefixAssignments Store(string kind, RedisConnection? connection = null) => kind == "local"
        ? new LocalPrefixAssignments(_options, _clock)
        : new RedisPrefixAssignments(connection ?? _gatewayA, new LocalPrefixAssignments(_options, _clock), _options, _clock,
            NullLogger<RedisPrefixAssignments>.Instance);

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Eight_prefixes_go_4_4_over_two_replicas_and_3_3_2_over_three_whatever_the_prefixes(string kind)
    {
        for (var seed = 0; seed < 100; seed++)
        {
            foreach (var count in new[] { 2, 3 })
            {
                var store = Store(kind);
                var replicas = Replicas($"s{seed}-{count}", count);
                var prefixes = RandomPrefixes(seed, 8);
                var placed = new Dictionary<string, string>();
                foreach (var prefix in prefixes) placed[prefix] = await store.AssignAsync(prefix, RendezvousOrder.Of(prefix, replicas));

                var perReplica = replicas.Select(r => placed.Values.Count(p => p == r)).OrderDescending().ToArray();
                Assert.Equal(count == 2 ? [4, 4] : [3, 3, 2], perReplica);
                // Each prefix keeps its replica.
                foreach (var prefix in prefixes) Assert.Equal(placed[prefix], await store.AssignAsync(prefix, RendezvousOrder.Of(prefix, replicas)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_replica_that_leaves_releases_only_its_own_prefixes(string kind)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var store = Store(kind);
            var replicas = Replicas($"leave{seed}", 3);
            var prefixes = RandomPrefixes(seed, 9);
            var placed = new Dictionary<string, string>();
            foreach (var prefix in prefixes) placed[prefix] = await store.AssignAsync(prefix, RendezvousOrder.Of(prefix, replicas));

            var left = replicas[seed % 3];
            var remaining = replicas.Where(r => r != left).ToList();
            foreach (var prefix in prefixes)
            {
                var now = await store.AssignAsync(prefix, RendezvousOrder.Of(prefix, remaining));
                if (placed[prefix] == left) Assert.Contains(now, remaining);
                else Assert.Equal(placed[prefix], now);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_prefix_unused_for_the_TTL_no_longer_counts_for_its_replica_and_each_use_refreshes_it(string kind)
    {
        var store = Store(kind);
        string a = "http://ttl-a/", b = "http://ttl-b/";
        Assert.Equal(a, await store.AssignAsync("p1", [a, b]));
        _clock.Advance(_options.PrefixAffinityTtl / 2);
        Assert.Equal(b, await store.AssignAsync("p2", [a, b]));   // a has one prefix, b none
        _clock.Advance(_options.PrefixAffinityTtl / 2 - Tick);
        Assert.Equal(a, await store.AssignAsync("p1", [b, a]));   // still a's, and refreshed
        _clock.Advance(_options.PrefixAffinityTtl / 2 + Tick);
        // p2 has expired, p1 has not: b has no prefix left, so a new prefix goes to b even though a comes first.
        Assert.Equal(b, await store.AssignAsync("p3", [a, b]));
    }

    [Fact]
    public async Task The_local_table_forgets_the_least_recently_used_prefix_beyond_its_bound()
    {
        var store = new LocalPrefixAssignments(new GatewayOptions { PrefixAffinityMaxPrefixes = 2 }, _clock);
        string a = "http://lru-a/", b = "http://lru-b/";
        Assert.Equal(a, await store.AssignAsync("p1", [a, b]));
        Assert.Equal(b, await store.AssignAsync("p2", [a, b]));
        Assert.Equal(a, await store.AssignAsync("p3", [a, b]));   // a tie: the first; p1 is forgotten
        // Remembered, p1 would stay on a; forgotten, it is new, and b (as many prefixes as a) comes first.
        Assert.Equal(b, await store.AssignAsync("p1", [b, a]));
        Assert.Equal(a, await store.AssignAsync("p3", [b, a]));   // p3 is remembered
    }

    [Fact]
    public async Task Two_gateways_sharing_Redis_agree_even_when_they_race_on_new_prefixes()
    {
        var (first, second) = (Store("redis", _gatewayA), Store("redis", _gatewayB));
        var replicas = Replicas("race", 2);
        var prefixes = RandomPrefixes(1023, 8);
        var raced = await Task.WhenAll(prefixes.Select(async prefix =>
        {
            var order = RendezvousOrder.Of(prefix, replicas);
            var both = await Task.WhenAll(first.AssignAsync(prefix, order).AsTask(), second.AssignAsync(prefix, order).AsTask());
            Assert.Equal(both[0], both[1]);
            return both[0];
        }));
        Assert.Equal([4, 4], replicas.Select(r => raced.Count(p => p == r)).ToArray());
        for (var i = 0; i < prefixes.Length; i++)
        {
            var gateway = i % 2 == 0 ? second : first;
            Assert.Equal(raced[i], await gateway.AssignAsync(prefixes[i], RendezvousOrder.Of(prefixes[i], replicas)));
        }
    }

    private static string[] Replicas(string name, int count) =>
        Enumerable.Range(0, count).Select(i => $"http://{name}-replica-{i}:8000/").ToArray();

    private static string[] RandomPrefixes(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => PromptPrefix.KeyOf($"system prompt {random.NextInt64()}")).ToArray();
    }
}
