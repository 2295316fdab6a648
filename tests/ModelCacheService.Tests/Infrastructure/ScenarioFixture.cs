using System.Net;

namespace ModelCacheService.Tests.Infrastructure;

/// <summary>
/// A fake hub and a service shared by the tests of one class; each test starts with <see cref="ResetAsync"/>:
/// a well-behaved hub, an empty request log and no cached stories260K.
/// </summary>
public class ScenarioFixture : IAsyncLifetime
{
    private HubAndService? _setup;

    public HubAndService Setup => _setup ?? throw new InvalidOperationException("Not started.");

    protected virtual ModelCacheOptions Configure(ModelCacheOptions options) => options;

    public async Task InitializeAsync() => _setup = await HubAndService.StartAsync(Configure);

    public async Task ResetAsync()
    {
        var (status, body) = await Setup.Service.SendAsync(HttpMethod.Delete, "api/models/karpathy/stories260K");
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.NotFound, $"reset: DELETE answered {(int)status}: {body}");
        Setup.Hub.Reset();
    }

    public async Task DisposeAsync()
    {
        if (_setup is not null) await _setup.DisposeAsync();
    }
}
