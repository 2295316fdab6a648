using System.Text.Json;

namespace InferenceService.Tests.ModelManagement;

/// <summary>
/// keep_alive unloads a model idle that long (the request field, or --keep-alive for every model); the model stays listed as
/// unloaded. With --load-on-demand a request for it loads it again and is answered; without, it is refused with a 404 that
/// says how to load it.
/// </summary>
public sealed class OnDemandTests
{
    [Fact]
    public async Task KeepAliveZero_UnloadsAfterTheRequest_AndLoadOnDemand_LoadsItAgain()
    {
        using var model = ModelReplica.SmallModel(seed: 5);
        await using var replica = await ModelReplica.StartAsync("--load-on-demand", "--load-timeout", "2m");
        Assert.Equal(202, (await replica.LoadAsync(new { model = model.Directory, served_model_name = "od", kv_cache_memory = "4MiB" })).Status);
        Assert.Equal("ready", ModelReplica.State(await replica.WaitForStateAsync("od", "ready")));
        var first = await replica.CompleteAsync("od", "Once upon a time", 6, keepAlive: 0);
        Assert.Equal((200, "length"), (first.Status, first.Finish));
        Assert.Equal("unloaded", ModelReplica.State(await replica.WaitForStateAsync("od", "unloaded")));

        var again = await replica.CompleteAsync("od", "Once upon a time", 6, keepAlive: "-1");
        Assert.Equal((200, first.Text, "length"), (again.Status, again.Text, again.Finish));   // the same model, loaded again
        var entry = await replica.EntryAsync("od");
        Assert.Equal("ready", ModelReplica.State(entry));
        Assert.Equal(2, entry!.Value.GetProperty("loads").GetInt32());
        Assert.Equal(JsonValueKind.Null, entry.Value.GetProperty("keep_alive_seconds").ValueKind);   // -1: never unloaded

        var bad = await replica.CompleteAsync("od", "Once", 2, keepAlive: "5 minutes");
        Assert.Equal(400, bad.Status);
        Assert.Equal("keep_alive", JsonDocument.Parse(bad.Text).RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task TheKeepAliveFlag_UnloadsIdleModels_AndWithoutLoadOnDemand_ARequestIsRefusedClearly()
    {
        using var model = ModelReplica.SmallModel(seed: 6);
        await using var replica = await ModelReplica.StartAsync("--keep-alive", "1s");
        Assert.Equal(202, (await replica.LoadAsync(new { model = model.Directory, served_model_name = "ka", kv_cache_memory = "4MiB" })).Status);
        var entry = await replica.WaitForStateAsync("ka", "ready");
        Assert.Equal(1, entry!.Value.GetProperty("keep_alive_seconds").GetDouble());
        Assert.Equal("unloaded", ModelReplica.State(await replica.WaitForStateAsync("ka", "unloaded")));
        Assert.Equal("unloaded", ModelReplica.State(await replica.WaitForStateAsync(ModelReplica.First, "unloaded")));

        var refused = await replica.CompleteAsync("ka", "Once upon a time", 2);
        Assert.Equal(404, refused.Status);
        var error = JsonDocument.Parse(refused.Text).RootElement.GetProperty("error");
        Assert.Equal("model_not_loaded", error.GetProperty("code").GetString());
        Assert.Contains("--load-on-demand", error.GetProperty("message").GetString());
        Assert.Equal(200, (int)(await replica.Http.GetAsync("health")).StatusCode);   // the replica itself stays healthy
    }
}
