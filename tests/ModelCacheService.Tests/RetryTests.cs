using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>5xx answers and timeouts are retried with backoff; the pull then succeeds.</summary>
public sealed class RetryTests(RetryTests.Fixture fixture) : IClassFixture<RetryTests.Fixture>, IAsyncLifetime
{
    /// <summary>A short per-attempt timeout, so a slow answer times out quickly.</summary>
    public sealed class Fixture : ScenarioFixture
    {
        protected override ModelCacheOptions Configure(ModelCacheOptions options) =>
            options with { Environment = new Dictionary<string, string> { ["ModelCache__AttemptTimeout"] = "00:00:01" } };
    }

    private FakeHubServer Hub => fixture.Setup.Hub;
    private const string RevisionApi = "/api/models/karpathy/stories260K/revision/main";

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ServiceUnavailableTwice_IsRetried_AndThePullSucceeds()
    {
        Hub.Switches.FailRevisionRequests = 2;

        var state = await fixture.Setup.Service.PullAsync("karpathy/stories260K");

        Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        Assert.Equal([503, 503, 200], Hub.Log.Where("hub", "GET", RevisionApi).Select(r => r.Status));
    }

    [Fact]
    public async Task AnAnswerSlowerThanTheAttemptTimeout_IsRetried_AndThePullSucceeds()
    {
        Hub.Switches.SlowDelay = TimeSpan.FromSeconds(4);
        Hub.Switches.SlowRevisionRequests = 1;

        var state = await fixture.Setup.Service.PullAsync("karpathy/stories260K");

        Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        Assert.Equal(2, Hub.Log.Where("hub", "GET", RevisionApi).Count);
    }

    [Fact]
    public async Task PersistentServerErrors_FailThePull_AfterTheRetries()
    {
        Hub.Switches.FailRevisionRequests = 100;

        var state = await fixture.Setup.Service.PullAsync("karpathy/stories260K");

        Assert.True(state.GetProperty("status").GetString() == "failed", state.ToString());
        Assert.Equal("hub_unavailable", state.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("503", state.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(1 + 3, Hub.Log.Where("hub", "GET", RevisionApi).Count); // ModelCache__MaxRetries=3 in the tests.
    }
}
