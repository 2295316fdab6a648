using System.Net;
using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>Deleting frees exactly the blobs no remaining snapshot links to, and never pulls the rug from a running pull.</summary>
public sealed class DeleteTests(ScenarioFixture fixture) : IClassFixture<ScenarioFixture>, IAsyncLifetime
{
    private FakeHubServer Hub => fixture.Setup.Hub;
    private ModelCacheProcess Service => fixture.Setup.Service;
    private string Cache => fixture.Setup.CacheDirectory;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task DeletingOneRevision_RemovesOnlyTheBlobsNoOtherSnapshotUses()
    {
        Assert.Equal("completed", (await Service.PullAsync("karpathy/stories260K", "main")).GetProperty("status").GetString());
        Assert.Equal("completed", (await Service.PullAsync("karpathy/stories260K", "v2")).GetProperty("status").GetString());
        var mainCommit = Hub.Stories.Commit("main");
        var v2Commit = Hub.Stories.Commit("v2");
        var mainBlobs = Hub.Stories.FilesAt(mainCommit).Select(f => ExpectedCache.BlobName(f.Content)).ToHashSet();
        Assert.Equal(mainBlobs.Count + 2, BlobNames().Count); // v2 adds a README and a changed generation_config.json.

        var (status, deleted) = await Service.SendAsync(HttpMethod.Delete, "api/models/karpathy/stories260K?revision=v2");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, deleted.GetProperty("deleted_blobs").GetInt32());
        Assert.Equal(HubRepository.V2Readme.Length + HubRepository.V2GenerationConfig.Length, deleted.GetProperty("freed_bytes").GetInt64());
        Assert.Equal(mainBlobs.Order(), BlobNames().Order());
        var repo = ExpectedCache.RepoFolder(Cache);
        Assert.Equal([mainCommit], Directory.GetDirectories(Path.Combine(repo, "snapshots")).Select(Path.GetFileName));
        Assert.Equal(["main"], Directory.GetFiles(Path.Combine(repo, "refs")).Select(Path.GetFileName));
        Assert.False(Directory.Exists(ExpectedCache.Snapshot(Cache, v2Commit)));
        var (_, info) = await Service.SendAsync(HttpMethod.Get, "api/models/karpathy/stories260K");
        Assert.True(info.GetProperty("complete").GetBoolean(), info.ToString());
    }

    [Fact]
    public async Task DeletingTheModel_RemovesItsFolder_AndItIsGoneFromTheApi()
    {
        Assert.Equal("completed", (await Service.PullAsync("karpathy/stories260K")).GetProperty("status").GetString());

        var (status, deleted) = await Service.SendAsync(HttpMethod.Delete, "api/models/karpathy/stories260K");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(deleted.GetProperty("repo_deleted").GetBoolean());
        Assert.Equal(HubRepository.ModelFiles().Sum(f => (long)f.Content.Length), deleted.GetProperty("freed_bytes").GetInt64());
        Assert.False(Directory.Exists(ExpectedCache.RepoFolder(Cache)));
        Assert.Equal(HttpStatusCode.NotFound, (await Service.SendAsync(HttpMethod.Get, "api/models/karpathy/stories260K")).Status);
        Assert.Empty((await Service.SendAsync(HttpMethod.Get, "api/models")).Body.GetProperty("data").EnumerateArray());
        var (again, error) = await Service.SendAsync(HttpMethod.Delete, "api/models/karpathy/stories260K");
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Equal("model_not_found", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task DeleteDuringAPull_IsRefusedWithConflict()
    {
        Hub.Switches.ThrottleBytesPerSecond = 500_000;
        var id = (await Service.StartPullAsync("karpathy/stories260K")).GetProperty("id").GetString()!;
        await WaitUntilAsync(async () => Directory.Exists(ExpectedCache.RepoFolder(Cache)) && (await Service.SendAsync(HttpMethod.Get, $"api/models/pull/{id}")).Body.GetProperty("status").GetString() == "downloading");

        var (status, body) = await Service.SendAsync(HttpMethod.Delete, "api/models/karpathy/stories260K");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("pull_in_progress", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("completed", (await Service.WaitForPullAsync(id)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Service.SendAsync(HttpMethod.Delete, "api/models/karpathy/stories260K")).Status);
    }

    private List<string> BlobNames() => Directory.GetFiles(ExpectedCache.Blobs(Cache)).Select(p => Path.GetFileName(p)).ToList();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached");
            await Task.Delay(50);
        }
    }
}
