using System.Net;
using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>HF_HUB_OFFLINE=1: a cache made by Python tools is served as is, nothing else, and the hub is never called.</summary>
public sealed class OfflineModeTests(OfflineModeTests.Fixture fixture) : IClassFixture<OfflineModeTests.Fixture>
{
    /// <summary>A hand-made cache (one complete model, one without weights), a live hub, and an offline service.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDirectory _cache = new();

        public FakeHubServer Hub { get; private set; } = null!;
        public ModelCacheProcess Service { get; private set; } = null!;
        public string Snapshot { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var cacheDirectory = Path.Combine(_cache.Path, "hub");
            Snapshot = HandMadeCache.Write(cacheDirectory);
            HandMadeCache.WriteIncompleteCopy(cacheDirectory);
            Hub = await FakeHubServer.StartAsync();
            Service = await ModelCacheProcess.StartAsync(new ModelCacheOptions { HubEndpoint = Hub.Endpoint, CacheDirectory = cacheDirectory, Offline = true });
        }

        public async Task DisposeAsync()
        {
            await Service.DisposeAsync();
            await Hub.DisposeAsync();
            _cache.Dispose();
        }
    }

    private ModelCacheProcess Service => fixture.Service;

    [Fact]
    public async Task CachedModel_IsServed_WithoutAskingTheHub()
    {
        var state = await Service.StartPullAsync("karpathy/stories260K");

        Assert.Equal("completed", state.GetProperty("status").GetString()); // At once: nothing to fetch.
        Assert.Equal(fixture.Snapshot, state.GetProperty("snapshot_path").GetString());
        Assert.Equal(HandMadeCache.Commit, state.GetProperty("commit").GetString());
        Assert.Contains("HF_HUB_OFFLINE", state.GetProperty("warning").GetString());
        Assert.All(state.GetProperty("files").EnumerateArray(), f => Assert.Equal("cached", f.GetProperty("status").GetString()));
        Assert.Empty(fixture.Hub.Log.All);
    }

    [Fact]
    public async Task ModelList_ReadsTheHandMadeCache()
    {
        var (status, list) = await Service.SendAsync(HttpMethod.Get, "api/models");

        Assert.Equal(HttpStatusCode.OK, status);
        var models = list.GetProperty("data").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!);
        var stories = Assert.Single(models["karpathy/stories260K"].GetProperty("revisions").EnumerateArray());
        Assert.True(stories.GetProperty("complete").GetBoolean());
        Assert.Equal(["main"], stories.GetProperty("refs").EnumerateArray().Select(r => r.GetString()));
        var partial = Assert.Single(models[HandMadeCache.IncompleteModel].GetProperty("revisions").EnumerateArray());
        Assert.False(partial.GetProperty("complete").GetBoolean());
        Assert.Contains("model weights", partial.GetProperty("missing")[0].GetString());
    }

    [Fact]
    public async Task UncachedOrIncompleteModels_Are404_NamingOfflineMode()
    {
        foreach (var (model, revision) in new[] { ("karpathy/other-model", "main"), ("karpathy/stories260K", "v2"), (HandMadeCache.IncompleteModel, "main") })
        {
            var (status, body) = await Service.SendAsync(HttpMethod.Post, "api/models/pull", new { model, revision });
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("model_not_cached", body.GetProperty("error").GetProperty("code").GetString());
            Assert.Contains("HF_HUB_OFFLINE", body.GetProperty("error").GetProperty("message").GetString());
        }
        Assert.Empty(fixture.Hub.Log.All);
    }
}
