using System.Net;
using System.Text.Json;

namespace ModelCacheService.Tests;

/// <summary>
/// A pull of some files of a repo that publishes several GGUF quantizations: "gguf" picks one by tag or name
/// (case-insensitive), "include" takes the files matching globs; only those are downloaded (the hub's request log),
/// the snapshot holds them and counts as complete; a tag matching none or several fails with the .gguf files listed.
/// GET /api/models/{org}/{name}/files lists the repo's files before any pull.
/// </summary>
public sealed class PullSelectionTests : IAsyncLifetime
{
    private readonly HubRepository _repo = HubRepository.QuantTiny();
    private HubAndService _setup = null!;

    private FakeHubServer Hub => _setup.Hub;
    private ModelCacheProcess Service => _setup.Service;

    public async Task InitializeAsync()
    {
        var hub = await FakeHubServer.StartAsync();
        hub.Add(_repo);
        _setup = await HubAndService.StartAsync(hub: hub);
    }

    public async Task DisposeAsync() => await _setup.DisposeAsync();

    private async Task<JsonElement> PullAsync(object body)
    {
        var (status, state) = await Service.SendAsync(HttpMethod.Post, "api/models/pull", body);
        Assert.True(status == HttpStatusCode.Accepted, $"{(int)status}: {state}");
        return await Service.WaitForPullAsync(state.GetProperty("id").GetString()!);
    }

    /// <summary>The repo files whose content the hub or its CDN sent.</summary>
    private List<string> Downloaded()
    {
        return _repo.FilesAt(_repo.Commit("main")).Where(f => Hub.Log.All.Any(r => r.Method == "GET" && (r.Path.EndsWith("/" + f.Path, StringComparison.Ordinal)
            || r.Path.StartsWith($"/lfs/{f.Sha256}", StringComparison.Ordinal)))).Select(f => f.Path).ToList();
    }

    private static string[] Names(JsonElement state) =>
        state.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToArray();

    [Fact]
    public async Task GgufTag_PullsOnlyThatQuantization_AndTheSnapshotIsComplete()
    {
        var state = await PullAsync(new { model = HubRepository.QuantTinyId, gguf = "q4_k_m" });

        Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        Assert.Equal("q4_k_m", state.GetProperty("gguf").GetString());
        Assert.Equal(["qtiny-Q4_K_M.gguf"], Names(state));
        Assert.Equal(["qtiny-Q4_K_M.gguf"], Downloaded());
        var snapshot = state.GetProperty("snapshot_path").GetString()!;
        Assert.Equal(["qtiny-Q4_K_M.gguf"], Directory.GetFileSystemEntries(snapshot).Select(Path.GetFileName));
        Assert.Equal(File.ReadAllBytes(TestData.Path("models", "quant-tiny-gguf", "qtiny-Q4_K_M.gguf")),
            File.ReadAllBytes(Path.Combine(snapshot, "qtiny-Q4_K_M.gguf")));

        var (status, model) = await Service.SendAsync(HttpMethod.Get, $"api/models/{HubRepository.QuantTinyId}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(model.GetProperty("complete").GetBoolean(), model.ToString());
    }

    [Fact]
    public async Task ASecondQuantization_IsAddedToTheSameSnapshot_AndAFileNameIsExact()
    {
        await PullAsync(new { model = HubRepository.QuantTinyId, gguf = "Q4_K_M" });
        Hub.Log.Clear();
        var state = await PullAsync(new { model = HubRepository.QuantTinyId, gguf = "QTINY-Q8_0.gguf" });

        Assert.Equal(["qtiny-Q8_0.gguf"], Names(state));
        Assert.Equal(["qtiny-Q8_0.gguf"], Downloaded());
        Assert.Equal(["qtiny-Q4_K_M.gguf", "qtiny-Q8_0.gguf"],
            Directory.GetFileSystemEntries(state.GetProperty("snapshot_path").GetString()!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task IncludePatterns_TakeTheMatchingFiles()
    {
        var state = await PullAsync(new { model = HubRepository.QuantTinyId, include = new[] { "*Q4_0*.gguf", "README.*" } });

        Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        Assert.Equal(["README.md", "qtiny-Q4_0.gguf"], Names(state).Order(StringComparer.Ordinal));
        Assert.Equal(["README.md", "qtiny-Q4_0.gguf"], Downloaded().Order(StringComparer.Ordinal));
        Assert.Equal(["*Q4_0*.gguf", "README.*"], state.GetProperty("include").EnumerateArray().Select(p => p.GetString()));
    }

    [Theory]
    [InlineData("Q4", "gguf_file_ambiguous", "qtiny-Q4_0.gguf, qtiny-Q4_K_M.gguf")]
    [InlineData("Q5_K_M", "gguf_file_not_found", "qtiny-Q4_0.gguf, qtiny-Q4_K_M.gguf, qtiny-Q8_0.gguf")]
    public async Task ATagOfNoneOrSeveralFiles_FailsListingTheGgufFiles(string tag, string code, string listed)
    {
        var state = await PullAsync(new { model = HubRepository.QuantTinyId, gguf = tag });

        Assert.Equal("failed", state.GetProperty("status").GetString());
        var error = state.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Contains(listed, error.GetProperty("message").GetString());
        Assert.Empty(Downloaded());
    }

    [Fact]
    public async Task IncludeMatchingNothing_FailsListingTheFiles()
    {
        var state = await PullAsync(new { model = HubRepository.QuantTinyId, include = new[] { "*.safetensors" } });

        Assert.Equal("no_matching_files", state.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("README.md, qtiny-Q4_0.gguf", state.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task FilesEndpoint_ListsTheRepoBeforeAnyPull()
    {
        var (status, list) = await Service.SendAsync(HttpMethod.Get, $"api/models/{HubRepository.QuantTinyId}/files");

        Assert.True(status == HttpStatusCode.OK, list.ToString());
        Assert.Equal(_repo.Commit("main"), list.GetProperty("commit").GetString());
        var files = list.GetProperty("data").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("size").GetInt64());
        Assert.Equal(HubRepository.QuantTinyFiles, files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new FileInfo(TestData.Path("models", "quant-tiny-gguf", "qtiny-Q8_0.gguf")).Length, files["qtiny-Q8_0.gguf"]);
        Assert.DoesNotContain(Hub.Log.All, r => r.Path.Contains("/resolve/", StringComparison.Ordinal));

        (status, var missing) = await Service.SendAsync(HttpMethod.Get, "api/models/test-org/absent/files");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("repo_not_found", missing.GetProperty("error").GetProperty("code").GetString());
    }
}
