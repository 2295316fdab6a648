namespace Tests.Shared;

/// <summary>A fake hub and a ModelCacheService using it with its own empty cache; tests start one per scenario.</summary>
public sealed class HubAndService : IAsyncDisposable
{
    private readonly TempDirectory _cache;

    private HubAndService(FakeHubServer hub, TempDirectory cache, ModelCacheProcess service)
    {
        Hub = hub;
        _cache = cache;
        Service = service;
    }

    public FakeHubServer Hub { get; }
    public ModelCacheProcess Service { get; }
    public string CacheDirectory => Service.CacheDirectory;

    /// <summary>Starts both; <paramref name="configure"/> may change the service options (token, environment...).</summary>
    public static async Task<HubAndService> StartAsync(Func<ModelCacheOptions, ModelCacheOptions>? configure = null, FakeHubServer? hub = null)
    {
        hub ??= await FakeHubServer.StartAsync();
        var cache = new TempDirectory();
        var options = new ModelCacheOptions { HubEndpoint = hub.Endpoint, CacheDirectory = Path.Combine(cache.Path, "hub") };
        var service = await ModelCacheProcess.StartAsync(configure is null ? options : configure(options));
        return new HubAndService(hub, cache, service);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Hub.DisposeAsync();
        _cache.Dispose();
    }
}
