using System.Text.Json;

namespace ModelCacheService.Tests;

/// <summary>One pull of karpathy/stories260K (main) from the fake hub, shared by the tests that inspect its result.</summary>
[CollectionDefinition(Name)]
public sealed class PulledStoriesCollection : ICollectionFixture<PulledStoriesFixture>
{
    public const string Name = "pulled stories260K";
}

public sealed class PulledStoriesFixture : IAsyncLifetime
{
    /// <summary>A token set on the service although the repository is public: it must reach the hub and never the CDN.</summary>
    public const string Token = "hf_fixture_token_123";

    private HubAndService? _setup;

    public HubAndService Setup => _setup ?? throw new InvalidOperationException("Not started.");
    public JsonElement FinalState { get; private set; }

    public async Task InitializeAsync()
    {
        _setup = await HubAndService.StartAsync(options => options with { Token = Token });
        FinalState = await Setup.Service.PullAsync("karpathy/stories260K");
    }

    public async Task DisposeAsync()
    {
        if (_setup is not null) await _setup.DisposeAsync();
    }
}
