using System.Net;
using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>A file whose bytes do not match its sha256 is rejected and never appears in a snapshot.</summary>
public sealed class IntegrityTests(ScenarioFixture fixture) : IClassFixture<ScenarioFixture>, IAsyncLifetime
{
    private FakeHubServer Hub => fixture.Setup.Hub;
    private string Cache => fixture.Setup.CacheDirectory;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CorruptedByte_FailsTheSha256Check_AndTheFileIsNeverPublished()
    {
        Hub.Switches.CorruptLfs = true;

        var state = await fixture.Setup.Service.PullAsync("karpathy/stories260K");

        Assert.True(state.GetProperty("status").GetString() == "failed", state.ToString());
        var error = state.GetProperty("error");
        Assert.Equal("integrity_error", error.GetProperty("type").GetString());
        Assert.Equal("sha256_mismatch", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("sha256", message);

        var commit = Hub.Stories.Commit("main");
        var snapshot = ExpectedCache.Snapshot(Cache, commit);
        var blobs = ExpectedCache.Blobs(Cache);
        foreach (var lfs in Hub.Stories.FilesAt(commit).Where(f => f.IsLfs))
        {
            Assert.False(Path.Exists(Path.Combine(snapshot, lfs.Path)), $"{lfs.Path} must not be in the snapshot");
            Assert.False(File.Exists(Path.Combine(blobs, lfs.Sha256)), $"no blob for {lfs.Path}");
            if (message.Contains($"'{lfs.Path}'"))
                Assert.False(File.Exists(Path.Combine(blobs, lfs.Sha256 + ".incomplete")), "the corrupted download is deleted");
        }

        var (status, info) = await fixture.Setup.Service.SendAsync(HttpMethod.Get, "api/models/karpathy/stories260K");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(info.GetProperty("complete").GetBoolean());
        Assert.Contains("model.safetensors", info.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task AfterARejectedDownload_ACleanPull_Completes()
    {
        Hub.Switches.CorruptLfs = true;
        Assert.Equal("failed", (await fixture.Setup.Service.PullAsync("karpathy/stories260K")).GetProperty("status").GetString());

        Hub.Switches.CorruptLfs = false;
        var state = await fixture.Setup.Service.PullAsync("karpathy/stories260K");

        Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        var snapshot = ExpectedCache.Snapshot(Cache, Hub.Stories.Commit("main"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestData.Stories260K, "model.safetensors")), File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
    }
}
