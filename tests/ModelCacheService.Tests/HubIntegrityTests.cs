using System.Net;
using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>
/// What the hub says is checked before it shapes the cache: a download is bounded by the size the revision API gave when
/// the CDN redirect has no X-Linked-Size; a file whose etag is no hash its content can be checked against is refused
/// (never stored unverified); a ref file's content is used only when it is a commit hash (it becomes a path).
/// </summary>
public sealed class HubIntegrityTests(ScenarioFixture fixture) : IClassFixture<ScenarioFixture>, IAsyncLifetime
{
    private FakeHubServer Hub => fixture.Setup.Hub;
    private string Cache => fixture.Setup.CacheDirectory;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Without_X_Linked_Size_a_download_is_bounded_by_the_size_the_API_gave()
    {
        Hub.Switches.OmitLinkedSize = true;
        Hub.Switches.LfsExtraBytes = 4 * 1024 * 1024;   // the CDN sends 4 MiB more than the file

        var state = await fixture.Setup.Service.PullAsync("karpathy/stories260K");

        Assert.True(state.GetProperty("status").GetString() == "failed", state.ToString());
        var error = state.GetProperty("error");
        Assert.Equal("size_mismatch", error.GetProperty("code").GetString());
        // Files download in parallel, so the first LFS file to overflow fails the pull: the message names it and its size.
        var message = error.GetProperty("message").GetString()!;
        var lfsFiles = Hub.Stories.FilesAt(Hub.Stories.Commit("main")).Where(f => f.IsLfs).ToList();
        Assert.Contains(lfsFiles, f => message.Contains($"'{f.Path}' has ") && message.Contains($" bytes but the hub announced {f.Content.Length}."));
    }

    [Fact]
    public async Task A_file_whose_etag_is_no_checkable_hash_is_refused_and_never_stored()
    {
        Hub.Switches.PlainEtag = "not-a-hash";

        var state = await fixture.Setup.Service.PullAsync("karpathy/stories260K");

        Assert.True(state.GetProperty("status").GetString() == "failed", state.ToString());
        var error = state.GetProperty("error");
        Assert.Equal("invalid_hub_response", error.GetProperty("code").GetString());
        Assert.Contains("not-a-hash", error.GetProperty("message").GetString());
        Assert.False(File.Exists(Path.Combine(ExpectedCache.Blobs(Cache), "not-a-hash")));
    }

    [Fact]
    public async Task A_ref_that_is_not_a_commit_hash_never_becomes_a_path()
    {
        // A cache folder from elsewhere whose refs/main climbs out of snapshots/ to a folder beside the repository.
        HandMadeCache.Write(Cache);
        var outside = Path.Combine(Cache, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "not the cache's");
        File.WriteAllText(Path.Combine(Cache, ExpectedCache.StoriesFolder, "refs", "main"), "../../outside");

        var (status, body) = await fixture.Setup.Service.SendAsync(HttpMethod.Get, "api/models/karpathy/stories260K?revision=main");
        Assert.True(status == HttpStatusCode.NotFound, body.ToString());
        var (deleteStatus, deleted) = await fixture.Setup.Service.SendAsync(HttpMethod.Delete, "api/models/karpathy/stories260K?revision=main");
        Assert.True(deleteStatus == HttpStatusCode.NotFound, deleted.ToString());
        Assert.True(File.Exists(Path.Combine(outside, "secret.txt")));
    }
}
