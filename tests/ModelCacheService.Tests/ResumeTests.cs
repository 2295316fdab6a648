using System.Net.Http.Headers;
using System.Security.Cryptography;
using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>Broken downloads resume with a Range request where they stopped, and end with intact files.</summary>
public sealed class ResumeTests(ScenarioFixture fixture) : IClassFixture<ScenarioFixture>, IAsyncLifetime
{
    private const int CutAfter = 300_000;

    private FakeHubServer Hub => fixture.Setup.Hub;
    private HubFile Model => Hub.Stories.FilesAt(Hub.Stories.Commit("main")).Single(f => f.Path == "model.safetensors");
    private string Blobs => ExpectedCache.Blobs(fixture.Setup.CacheDirectory);

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CutConnection_IsResumedWithRange_AndTheFileIsIntact()
    {
        Hub.Switches.CutAfterBytes = CutAfter;

        var state = await fixture.Setup.Service.PullAsync("karpathy/stories260K");

        Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        var downloads = Hub.Log.Where("cdn", "GET", $"/lfs/{Model.Sha256}");
        Assert.True(downloads.Count == 2, Hub.Log.ToString());
        Assert.Null(downloads[0].Range);
        Assert.InRange(RangeStart(downloads[1].Range), 1, CutAfter); // What had arrived before the cut is kept.
        AssertIntactBlob();
    }

    [Fact]
    public async Task PartialFileLeftByAnEarlierRun_IsResumed_NotDownloadedAgain()
    {
        // An interrupted download (this service restarted, or huggingface_hub) leaves blobs/{etag}.incomplete.
        Directory.CreateDirectory(Blobs);
        const int alreadyThere = 400_000;
        await File.WriteAllBytesAsync(Path.Combine(Blobs, Model.Sha256 + ".incomplete"), Model.Content[..alreadyThere]);

        var state = await fixture.Setup.Service.PullAsync("karpathy/stories260K");

        Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        var download = Assert.Single(Hub.Log.Where("cdn", "GET", $"/lfs/{Model.Sha256}"));
        Assert.Equal(alreadyThere, RangeStart(download.Range));
        AssertIntactBlob();
    }

    [Fact]
    public async Task CorruptedPartialFileLeftByAnEarlierRun_IsDiscarded_AndDownloadedAfresh()
    {
        // A run cut off between writing the last byte and checking the hash leaves a full-size, wrong file behind.
        var tokenizer = Hub.Stories.FilesAt(Hub.Stories.Commit("main")).Single(f => f.Path == "tokenizer.model");
        var corrupted = (byte[])tokenizer.Content.Clone();
        corrupted[100] ^= 0xFF;
        Directory.CreateDirectory(Blobs);
        await File.WriteAllBytesAsync(Path.Combine(Blobs, tokenizer.Sha256 + ".incomplete"), corrupted);

        var state = await fixture.Setup.Service.PullAsync("karpathy/stories260K");

        Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        var download = Assert.Single(Hub.Log.Where("cdn", "GET", $"/lfs/{tokenizer.Sha256}"));
        Assert.Null(download.Range); // From the start, not resumed.
        Assert.Equal(tokenizer.Content, File.ReadAllBytes(Path.Combine(Blobs, tokenizer.Sha256)));
    }

    private void AssertIntactBlob()
    {
        var source = File.ReadAllBytes(Path.Combine(TestData.Stories260K, "model.safetensors"));
        var blob = Path.Combine(Blobs, Convert.ToHexStringLower(SHA256.HashData(source)));
        Assert.Equal(SHA256.HashData(source), SHA256.HashData(File.ReadAllBytes(blob)));
        Assert.Empty(Directory.GetFiles(Blobs, "*.incomplete"));
    }

    private static long RangeStart(string? header)
    {
        Assert.NotNull(header);
        var range = RangeHeaderValue.Parse(header);
        Assert.Equal("bytes", range.Unit);
        return Assert.Single(range.Ranges).From!.Value;
    }
}
