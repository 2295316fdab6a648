namespace Gateway.Tests.Infrastructure;

/// <summary>
/// The cluster most tests share: redis-server, three test backends (b1: model-a; b2: model-a and model-b;
/// b3: model-b) and two gateways over all three, sharing Redis. Tests keep out of each other's way by using
/// their own keys. Body limit 64 KiB and one CORS origin, for the tests of those.
/// </summary>
public sealed class SharedCluster : IAsyncLifetime
{
    public const string ModelA = "model-a";
    public const string ModelB = "model-b";
    public const string AllowedOrigin = "http://allowed.example";
    public const int MaxBodyBytes = 64 * 1024;

    private RedisServer? _redis;
    private BackendProcess[] _backends = [];
    private GatewayProcess[] _gateways = [];

    public RedisServer Redis => _redis!;
    public BackendProcess B1 => _backends[0];
    public BackendProcess B2 => _backends[1];
    public BackendProcess B3 => _backends[2];
    public IReadOnlyList<BackendProcess> Backends => _backends;
    public GatewayProcess Gateway1 => _gateways[0];
    public GatewayProcess Gateway2 => _gateways[1];
    public IReadOnlyList<GatewayProcess> Gateways => _gateways;

    public async Task InitializeAsync()
    {
        var redis = RedisServer.StartAsync();
        var backends = Task.WhenAll(
            BackendProcess.StartAsync("b1", ModelA),
            BackendProcess.StartAsync("b2", ModelA, ModelB),
            BackendProcess.StartAsync("b3", ModelB));
        _redis = await redis;
        _backends = await backends;
        var settings = new Dictionary<string, string>
        {
            ["Gateway__MaxRequestBodyBytes"] = MaxBodyBytes.ToString(),
            ["Gateway__CorsOrigins__0"] = AllowedOrigin,
        };
        _gateways = await Task.WhenAll(
            GatewayProcess.StartAsync("gateway1", _backends, _redis, settings),
            GatewayProcess.StartAsync("gateway2", _backends, _redis, settings));
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways) await gateway.DisposeAsync();
        foreach (var backend in _backends) await backend.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedClusterCollection : ICollectionFixture<SharedCluster>
{
    public const string Name = "shared cluster";
}
