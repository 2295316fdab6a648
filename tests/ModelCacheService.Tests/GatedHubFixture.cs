namespace ModelCacheService.Tests;

/// <summary>A hub where karpathy/stories260K is gated, and three services: without a token, with a wrong one, with the right one.</summary>
public sealed class GatedHubFixture : IAsyncLifetime
{
    public const string GoodToken = "hf_granted_access_token";
    public const string WrongToken = "hf_someone_else_token";

    private readonly TempDirectory _caches = new();
    private FakeHubServer? _hub;
    private ModelCacheProcess[] _services = [];

    public FakeHubServer Hub => _hub ?? throw new InvalidOperationException("Not started.");
    public ModelCacheProcess WithoutToken => _services[0];
    public ModelCacheProcess WithWrongToken => _services[1];
    public ModelCacheProcess WithToken => _services[2];

    public async Task InitializeAsync()
    {
        _hub = await FakeHubServer.StartAsync();
        _hub.Switches.RequiredToken = GoodToken;
        _services = await Task.WhenAll(new[] { null, WrongToken, GoodToken }.Select((token, i) => ModelCacheProcess.StartAsync(
            new ModelCacheOptions { HubEndpoint = _hub.Endpoint, CacheDirectory = Path.Combine(_caches.Path, $"cache{i}"), Token = token })));
    }

    public async Task DisposeAsync()
    {
        foreach (var service in _services) await service.DisposeAsync();
        if (_hub is not null) await _hub.DisposeAsync();
        _caches.Dispose();
    }
}
