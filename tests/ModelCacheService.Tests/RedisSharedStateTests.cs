using System.Net;

namespace ModelCacheService.Tests;

/// <summary>With ConnectionStrings__redis, replicas share pull state: one sees (and joins) the other's pull.</summary>
public sealed class RedisSharedStateTests : IAsyncLifetime
{
    private readonly TempDirectory _cache = new();
    private RedisServer? _redis;
    private FakeHubServer? _hub;
    private ModelCacheProcess[] _replicas = [];

    private FakeHubServer Hub => _hub!;
    private ModelCacheProcess A => _replicas[0];
    private ModelCacheProcess B => _replicas[1];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _hub = await FakeHubServer.StartAsync();
        var options = new ModelCacheOptions
        {
            HubEndpoint = _hub.Endpoint,
            CacheDirectory = Path.Combine(_cache.Path, "hub"), // The shared volume.
            RedisConnection = _redis.ConnectionString,
        };
        _replicas = await Task.WhenAll(ModelCacheProcess.StartAsync(options), ModelCacheProcess.StartAsync(options));
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas) await replica.DisposeAsync();
        if (_hub is not null) await _hub.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        _cache.Dispose();
    }

    [Fact]
    public async Task APullStartedOnOneReplica_IsSeenAndJoinedOnTheOther()
    {
        Hub.Switches.ThrottleBytesPerSecond = 1_000_000; // ~1 s: time to look at it from the other replica.

        var started = await A.StartPullAsync("karpathy/stories260K");
        var joined = await B.StartPullAsync("karpathy/stories260K");
        var id = started.GetProperty("id").GetString()!;

        Assert.Equal(id, joined.GetProperty("id").GetString());
        var (status, seenFromB) = await B.SendAsync(HttpMethod.Get, $"api/models/pull/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(started.GetProperty("replica").GetString(), seenFromB.GetProperty("replica").GetString());
        Assert.Equal($"{Environment.MachineName}:{A.Process.Id}", seenFromB.GetProperty("replica").GetString()); // Run by A.

        var final = await B.WaitForPullAsync(id);
        Assert.True(final.GetProperty("status").GetString() == "completed", final.ToString());
        var listed = (await B.SendAsync(HttpMethod.Get, "api/models/pull")).Body.GetProperty("data").EnumerateArray();
        Assert.Contains(listed, p => p.GetProperty("id").GetString() == id);
        foreach (var lfs in Hub.Stories.FilesAt(Hub.Stories.Commit("main")).Where(f => f.IsLfs))
            Assert.Single(Hub.Log.Where("cdn", "GET", $"/lfs/{lfs.Sha256}"));

        using var health = await B.Http.GetAsync("health"); // Redis is a readiness dependency.
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"redis\"", await health.Content.ReadAsStringAsync());
    }
}
