using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>Pulls of the same model at once share the work: every file crosses the network once.</summary>
public sealed class ConcurrentPullTests(ScenarioFixture fixture) : IClassFixture<ScenarioFixture>, IAsyncLifetime
{
    private FakeHubServer Hub => fixture.Setup.Hub;
    private ModelCacheProcess Service => fixture.Setup.Service;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task FiveConcurrentPulls_JoinOnePull_AndDownloadEachFileOnce()
    {
        Hub.Switches.ThrottleBytesPerSecond = 2_000_000; // Long enough (~0.5 s) for all five to overlap.

        var started = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Service.StartPullAsync("karpathy/stories260K")));

        var id = Assert.Single(started.Select(s => s.GetProperty("id").GetString()).Distinct());
        var state = await Service.WaitForPullAsync(id!);
        Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        AssertEachFileDownloadedOnce(Hub.Stories.FilesAt(Hub.Stories.Commit("main")));
    }

    [Fact]
    public async Task ConcurrentPullsOfABranchAndItsCommit_ShareTheBlobDownloads()
    {
        Hub.Switches.ThrottleBytesPerSecond = 2_000_000;
        var commit = Hub.Stories.Commit("main");

        var started = await Task.WhenAll(Service.StartPullAsync("karpathy/stories260K", "main"), Service.StartPullAsync("karpathy/stories260K", commit));

        Assert.NotEqual(started[0].GetProperty("id").GetString(), started[1].GetProperty("id").GetString());
        foreach (var pull in started)
        {
            var state = await Service.WaitForPullAsync(pull.GetProperty("id").GetString()!);
            Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        }
        AssertEachFileDownloadedOnce(Hub.Stories.FilesAt(commit));
    }

    private void AssertEachFileDownloadedOnce(IReadOnlyList<HubFile> files)
    {
        foreach (var file in files)
        {
            var downloads = file.IsLfs
                ? Hub.Log.Where("cdn", "GET", $"/lfs/{file.Sha256}")
                : Hub.Log.Where("hub", "GET", "/karpathy/stories260K/resolve/").Where(r => r.Path.EndsWith("/" + file.Path, StringComparison.Ordinal)).ToList();
            Assert.True(downloads.Count == 1, $"{file.Path} downloaded {downloads.Count} times:\n{Hub.Log}");
        }
    }
}
