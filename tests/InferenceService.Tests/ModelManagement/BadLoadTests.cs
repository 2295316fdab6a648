using System.Text.Json;

namespace InferenceService.Tests.ModelManagement;

/// <summary>
/// Bad loads get clear errors and disturb nothing: what the POST can check is refused at once (400 for unknown fields, a
/// missing or nonexistent model, bad values; 409 for a model that can never fit; 404 for deleting an unknown name), what only
/// the pull or load finds (an unknown repo, a gated repo without a token, corrupt weights) leaves the entry failed with the
/// cause; the startup model answers throughout.
/// </summary>
public sealed class BadLoadTests
{
    private const string CacheKey = "modelcache-key-for-models-20";

    [Fact]
    public async Task BadLoads_AreClearErrors_AndTheStartupModelKeepsServing()
    {
        await using var cache = await HubAndService.StartAsync(o => o with { ApiKey = CacheKey });
        await using var replica = await ModelReplica.StartAsync(new ServiceOptions
        {
            Environment = new Dictionary<string, string> { ["services__modelcache__http__0"] = cache.Service.Url, ["ModelCache__ApiKey"] = CacheKey },
        });

        await AssertRefused(replica, new { model = TestData.Stories260K, colour = "blue" }, 400, "colour", "Unknown field 'colour'");
        await AssertRefused(replica, new { served_model_name = "x" }, 400, "model", "'model' is required");
        await AssertRefused(replica, new { model = "/no/such/model" }, 400, "model", "is neither a local file or folder");
        await AssertRefused(replica, new { model = TestData.Stories260K, served_model_name = "x", max_model_len = -3 }, 400, null, "'max_model_len' must be a positive integer");
        await AssertRefused(replica, new { model = TestData.Stories260K, served_model_name = "huge", kv_cache_memory = "1000TiB" }, 409, null, "needs ");
        await AssertRefused(replica, new { model = TestData.Stories260K, served_model_name = ModelReplica.First, max_model_len = 64 }, 409, "served_model_name", "already serves");
        var (status, body) = await replica.AdminAsync(HttpMethod.Delete, "admin/models/nobody");
        Assert.Equal(404, status);
        Assert.Equal("model_not_found", body.GetProperty("error").GetProperty("code").GetString());

        using var corrupt = new TempDirectory();
        foreach (var file in Directory.GetFiles(TestData.Stories260K)) File.Copy(file, Path.Combine(corrupt.Path, Path.GetFileName(file)));
        File.WriteAllBytes(Path.Combine(corrupt.Path, "model.safetensors"), new byte[4096]);
        await AssertFails(replica, new { model = corrupt.Path, served_model_name = "corrupt" }, "corrupt", "safetensors");
        var failed = await replica.CompleteAsync("corrupt", "Once", 2);
        Assert.Equal(503, failed.Status);
        Assert.Contains("failed to load", failed.Text);

        await AssertFails(replica, new { model = "test-org/no-such-repo", served_model_name = "missing" }, "missing", "no-such-repo");
        cache.Hub.Switches.RequiredToken = "hf_secret";
        await AssertFails(replica, new { model = HubRepository.StoriesId, served_model_name = "gated" }, "gated", "HF_TOKEN");

        (status, body) = await replica.AdminAsync(HttpMethod.Delete, "admin/models/corrupt");
        Assert.Equal(202, status);
        Assert.Null(await replica.EntryAsync("corrupt"));
        var answer = await replica.CompleteAsync(ModelReplica.First, "Once upon a time", 4);
        Assert.Equal((200, "length"), (answer.Status, answer.Finish));
    }

    private static async Task AssertRefused(ModelReplica replica, object body, int status, string? param, string message)
    {
        var (actual, answer) = await replica.LoadAsync(body);
        Assert.True(actual == status, $"{actual} {answer}");
        OpenAiSchema.AssertValid("ErrorResponse", answer);
        var error = answer.GetProperty("error");
        Assert.Contains(message, error.GetProperty("message").GetString());
        if (param is not null) Assert.Equal(param, error.GetProperty("param").GetString());
    }

    private static async Task AssertFails(ModelReplica replica, object body, string name, string cause)
    {
        var (status, answer) = await replica.LoadAsync(body);
        Assert.True(status == 202, answer.ToString());
        var entry = await replica.WaitForAsync(name, e => ModelReplica.State(e) == "failed", "failed");
        var message = entry!.Value.GetProperty("error").GetProperty("message").GetString();
        Assert.True(message!.Contains(cause, StringComparison.Ordinal), message);
    }
}
