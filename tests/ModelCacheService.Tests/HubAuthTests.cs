using System.Text.Json;

namespace ModelCacheService.Tests;

/// <summary>Gated and unknown models fail at once (no retries) with errors that name the cause and the fix.</summary>
public sealed class HubAuthTests(GatedHubFixture fixture) : IClassFixture<GatedHubFixture>
{
    [Fact]
    public async Task GatedModel_WithoutToken_Fails401_TellingToAcceptTheLicenceAndSetHfToken()
    {
        var error = await FailedPullErrorAsync(fixture.WithoutToken, "karpathy/stories260K");

        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Equal("gated_repo", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("401", message);
        Assert.Contains("accept the licence on the model page", message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("HF_TOKEN", message);
        Assert.Contains(fixture.Hub.Endpoint + "karpathy/stories260K", message); // The page to open.
        AssertAskedOnce("/api/models/karpathy/stories260K/revision/main", authorization: null);
    }

    [Fact]
    public async Task GatedModel_WithAWrongToken_Fails403_NamingTheToken()
    {
        var error = await FailedPullErrorAsync(fixture.WithWrongToken, "karpathy/stories260K");

        Assert.Equal("permission_error", error.GetProperty("type").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("403", message);
        Assert.Contains("HF_TOKEN", message);
        Assert.Contains("licence", message);
        AssertAskedOnce("/api/models/karpathy/stories260K/revision/main", $"Bearer {GatedHubFixture.WrongToken}");
    }

    [Fact]
    public async Task GatedModel_WithTheToken_IsPulled()
    {
        var state = await fixture.WithToken.PullAsync("karpathy/stories260K");

        Assert.True(state.GetProperty("status").GetString() == "completed", state.ToString());
        var snapshot = state.GetProperty("snapshot_path").GetString()!;
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestData.Stories260K, "model.safetensors")), File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
    }

    [Fact]
    public async Task UnknownRepository_Fails404_WithoutRetrying()
    {
        var error = await FailedPullErrorAsync(fixture.WithoutToken, "karpathy/does-not-exist");

        Assert.Equal("not_found_error", error.GetProperty("type").GetString());
        Assert.Equal("repo_not_found", error.GetProperty("code").GetString());
        Assert.Contains("404", error.GetProperty("message").GetString());
        AssertAskedOnce("/api/models/karpathy/does-not-exist/revision/main", authorization: null);
    }

    [Fact]
    public async Task UnknownRevision_Fails404_NamingTheRevision()
    {
        var error = await FailedPullErrorAsync(fixture.WithToken, "karpathy/stories260K", "no-such-branch");

        Assert.Equal("revision_not_found", error.GetProperty("code").GetString());
        Assert.Contains("no-such-branch", error.GetProperty("message").GetString());
    }

    private static async Task<JsonElement> FailedPullErrorAsync(ModelCacheProcess service, string model, string? revision = null)
    {
        var state = await service.PullAsync(model, revision);
        Assert.True(state.GetProperty("status").GetString() == "failed", state.ToString());
        return state.GetProperty("error");
    }

    /// <summary>A 401/403/404 is final: the hub saw exactly one such request (told apart by the token sent, or none).</summary>
    private void AssertAskedOnce(string pathPrefix, string? authorization)
    {
        var requests = fixture.Hub.Log.Where("hub", "GET", pathPrefix).Where(r => r.Authorization == authorization).ToList();
        Assert.True(requests.Count == 1, fixture.Hub.Log.ToString());
    }
}
