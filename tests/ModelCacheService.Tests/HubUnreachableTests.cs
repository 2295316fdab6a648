using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>With the hub down, a cached model is still served (as huggingface_hub falls back to its cache); others fail clearly.</summary>
public sealed class HubUnreachableTests(HubUnreachableTests.Fixture fixture) : IClassFixture<HubUnreachableTests.Fixture>
{
    /// <summary>A hand-made cache and a service whose HF_ENDPOINT answers nothing.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDirectory _cache = new();

        public ModelCacheProcess Service { get; private set; } = null!;
        public string Snapshot { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var cacheDirectory = Path.Combine(_cache.Path, "hub");
            Snapshot = HandMadeCache.Write(cacheDirectory);
            Service = await ModelCacheProcess.StartAsync(new ModelCacheOptions { HubEndpoint = FakeHubServer.DeadEndpoint(), CacheDirectory = cacheDirectory });
        }

        public async Task DisposeAsync()
        {
            await Service.DisposeAsync();
            _cache.Dispose();
        }
    }

    private ModelCacheProcess Service => fixture.Service;

    [Fact]
    public async Task CachedModel_IsServedFromTheCache_WithAWarning()
    {
        var state = await Service.PullAsync("karpathy/stories260K");

        Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        Assert.Equal(fixture.Snapshot, state.GetProperty("snapshot_path").GetString());
        Assert.Contains("could not be reached", state.GetProperty("warning").GetString());
    }

    [Fact]
    public async Task UncachedModel_FailsAsUnreachable_NamingHfEndpoint()
    {
        var state = await Service.PullAsync("karpathy/other-model");

        Assert.True(state.GetProperty("status").GetString() == "failed", state.ToString());
        var error = state.GetProperty("error");
        Assert.Equal("hub_unreachable", error.GetProperty("code").GetString());
        Assert.Contains("HF_ENDPOINT", error.GetProperty("message").GetString());
    }
}
