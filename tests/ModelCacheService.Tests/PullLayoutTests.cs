using System.Net;
using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>A pull yields huggingface_hub's documented cache layout, with the right bytes, fetched the right way.</summary>
[Collection(PulledStoriesCollection.Name)]
public sealed class PullLayoutTests(PulledStoriesFixture fixture)
{
    private FakeHubServer Hub => fixture.Setup.Hub;
    private string Cache => fixture.Setup.CacheDirectory;
    private string MainCommit => Hub.Stories.Commit("main");

    [Fact]
    public void Pull_Completes_WithTheSnapshotPath_AndAllBytesCounted()
    {
        var state = fixture.FinalState;
        Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        Assert.Equal(MainCommit, state.GetProperty("commit").GetString());
        Assert.Equal(ExpectedCache.Snapshot(Cache, MainCommit), state.GetProperty("snapshot_path").GetString());
        var total = HubRepository.ModelFiles().Sum(f => (long)f.Content.Length);
        Assert.Equal(total, state.GetProperty("bytes_total").GetInt64());
        Assert.Equal(total, state.GetProperty("bytes_done").GetInt64());
        Assert.All(state.GetProperty("files").EnumerateArray(), f => Assert.Equal("downloaded", f.GetProperty("status").GetString()));
    }

    [Fact]
    public void Cache_HasBlobsRelativeSymlinksAndRef_AsHuggingFaceHubDocumentsIt()
    {
        var repo = ExpectedCache.RepoFolder(Cache);
        Assert.Equal(MainCommit, File.ReadAllText(Path.Combine(repo, "refs", "main"))); // The bare commit, no newline.
        Assert.Equal([MainCommit], Directory.GetDirectories(Path.Combine(repo, "snapshots")).Select(Path.GetFileName));

        var snapshot = ExpectedCache.Snapshot(Cache, MainCommit);
        var expected = Directory.GetFiles(TestData.Stories260K).Where(p => Path.GetFileName(p) != "reference-greedy.json").ToList();
        Assert.Equal(expected.Select(Path.GetFileName).Order(), Directory.GetFileSystemEntries(snapshot).Select(Path.GetFileName).Order());
        foreach (var source in expected)
        {
            var content = File.ReadAllBytes(source);
            var link = new FileInfo(Path.Combine(snapshot, Path.GetFileName(source)));
            Assert.Equal($"../../blobs/{ExpectedCache.BlobName(content)}", link.LinkTarget);
            Assert.Equal(content, File.ReadAllBytes(link.FullName));
        }
        Assert.Equal(expected.Select(p => ExpectedCache.BlobName(File.ReadAllBytes(p))).Order(),
            Directory.GetFileSystemEntries(ExpectedCache.Blobs(Cache)).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void LfsFiles_ComeFromTheCdn_WithoutTheToken_WhichOnlyTheHubReceives()
    {
        var log = Hub.Log;
        Assert.All(log.All.Where(r => r.Server == "hub"), r => Assert.Equal($"Bearer {PulledStoriesFixture.Token}", r.Authorization));
        var lfs = HubRepository.ModelFiles().Where(f => f.IsLfs).ToList();
        Assert.Equal(2, lfs.Count); // model.safetensors and tokenizer.model
        foreach (var file in lfs)
        {
            var downloads = log.Where("cdn", "GET", $"/lfs/{file.Sha256}");
            Assert.Single(downloads);
            Assert.Null(downloads[0].Authorization);
            Assert.Contains(log.Where("hub", "HEAD", $"/karpathy/stories260K/resolve/{MainCommit}/{file.Path}"), r => r.Status == 302);
        }
    }

    [Fact]
    public async Task SecondPull_OfACachedModel_DownloadsNothing()
    {
        int Downloads() => Hub.Log.All.Count(r => r.Method == "GET" && (r.Server == "cdn" || r.Path.Contains("/resolve/")));
        var before = Downloads();
        var state = await fixture.Setup.Service.PullAsync("karpathy/stories260K");
        Assert.Equal("completed", state.GetProperty("status").GetString());
        Assert.All(state.GetProperty("files").EnumerateArray(), f => Assert.Equal("cached", f.GetProperty("status").GetString()));
        Assert.Equal(before, Downloads());
    }

    [Fact]
    public async Task ModelEndpoints_DescribeTheCachedSnapshot()
    {
        var service = fixture.Setup.Service;
        var total = HubRepository.ModelFiles().Sum(f => (long)f.Content.Length);

        var (status, list) = await service.SendAsync(HttpMethod.Get, "api/models");
        Assert.Equal(HttpStatusCode.OK, status);
        var model = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal("karpathy/stories260K", model.GetProperty("id").GetString());
        var revision = Assert.Single(model.GetProperty("revisions").EnumerateArray());
        Assert.Equal(MainCommit, revision.GetProperty("commit").GetString());
        Assert.Equal(["main"], revision.GetProperty("refs").EnumerateArray().Select(r => r.GetString()));
        Assert.True(revision.GetProperty("complete").GetBoolean());
        Assert.Equal(6, revision.GetProperty("files").GetInt32());
        Assert.Equal(total, revision.GetProperty("size_on_disk").GetInt64());

        var (infoStatus, info) = await service.SendAsync(HttpMethod.Get, "api/models/karpathy/stories260K");
        Assert.Equal(HttpStatusCode.OK, infoStatus);
        Assert.Equal(ExpectedCache.Snapshot(Cache, MainCommit), info.GetProperty("snapshot_path").GetString());
        Assert.True(info.GetProperty("complete").GetBoolean());
        var config = info.GetProperty("config");
        Assert.Equal("llama", config.GetProperty("model_type").GetString());
        Assert.Equal(64, config.GetProperty("hidden_size").GetInt32());
        Assert.Equal(5, config.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(4, config.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal(512, config.GetProperty("vocab_size").GetInt32());

        var (usageStatus, usage) = await service.SendAsync(HttpMethod.Get, "api/cache/usage");
        Assert.Equal(HttpStatusCode.OK, usageStatus);
        Assert.Equal(total, usage.GetProperty("size_on_disk").GetInt64());
        Assert.Equal(1, usage.GetProperty("models").GetInt32());
        Assert.True(usage.GetProperty("free_bytes").GetInt64() > 0);
    }
}
