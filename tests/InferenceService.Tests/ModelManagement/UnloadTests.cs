using System.Text.Json;

namespace InferenceService.Tests.ModelManagement;

/// <summary>
/// DELETE /admin/models/{name}?grace=…: new requests for the model are refused at once (503 model_unloading), a request that
/// finishes within the grace period completes normally, streams still running after it end with an error event
/// (code model_unloaded), the model's series leave /metrics, and the process's anonymous resident memory (RssAnon, the part of VmRSS that is not mapped files) drops by at least the
/// model's weights (a random-weight model of about 250 MB written by the test).
/// </summary>
public sealed class UnloadTests
{
    [Fact]
    public async Task Delete_DrainsWithinTheGrace_AbortsTheRest_AndFreesTheWeights()
    {
        using var big = TinyModel.Create(hidden: 512, heads: 8, kvHeads: 4, layers: 16, intermediate: 2048, vocab: 512, seed: 3, maxPositions: 1024)
            .WithTokenizerOf(TestData.Stories260K);
        await using var replica = await ModelReplica.StartAsync();
        var (status, body) = await replica.LoadAsync(new { model = big.Directory, served_model_name = "big", kv_cache_memory = "64MiB", max_model_len = 512 });
        Assert.True(status == 202, body.ToString());
        var entry = await replica.WaitForStateAsync("big", "ready");
        Assert.Equal("ready", ModelReplica.State(entry));
        long weights = entry!.Value.GetProperty("memory").GetProperty("weights_bytes").GetInt64();
        Assert.True(weights > 200_000_000, $"weights {weights}");

        // Prompts of about a hundred tokens: their KV blocks are written as well as read.
        var story = string.Concat(Enumerable.Repeat(" once upon a time there was a little girl", 6));
        var longStreams = Enumerable.Range(0, 3).Select(i => replica.CompleteAsync("big", $"Story {i}:{story}", 350, stream: true)).ToList();
        var shortOne = replica.CompleteAsync("big", "Short", 2);
        await Poll.UntilAsync(async () => (await replica.EntryAsync("big"))?.GetProperty("requests").GetProperty("running").GetInt32() >= 3, "the long streams to run");
        long loaded = replica.AnonymousResidentBytes();   // serving: every weight page read, the requests' memory allocated

        (status, body) = await replica.AdminAsync(HttpMethod.Delete, "admin/models/big?grace=5s");
        Assert.True(status == 202, body.ToString());
        Assert.Equal("draining", body.GetProperty("model").GetProperty("state").GetString());
        var refused = await replica.CompleteAsync("big", "Too late", 2);
        Assert.Equal(503, refused.Status);
        Assert.Equal("model_unloading", JsonDocument.Parse(refused.Text).RootElement.GetProperty("error").GetProperty("code").GetString());

        Assert.Equal((200, "length"), await FinishOf(shortOne));
        foreach (var stream in longStreams)
        {
            var (streamStatus, _, finish) = await stream;
            Assert.Equal((200, "model_unloaded"), (streamStatus, finish));   // the documented error event, after the grace period
        }
        await replica.WaitForAsync("big", e => e is null, "gone");
        var metrics = await replica.Http.GetStringAsync("metrics");
        Assert.DoesNotContain("model_name=\"big\"", metrics);
        Assert.Contains("vllm:kv_cache_usage_perc{model_name=\"first\"}", metrics);
        long unloaded = replica.AnonymousResidentBytes();
        Assert.True(loaded - unloaded >= weights, $"RSS {loaded:N0} bytes loaded, {unloaded:N0} bytes after the unload: dropped by less than the weights' {weights:N0}\n{replica.Service.Process.Output}");

        Assert.Equal((200, "length"), await FinishOf(replica.CompleteAsync(ModelReplica.First, "Once upon a time", 4)));
        (status, body) = await replica.AdminAsync(HttpMethod.Delete, "admin/models/big");
        Assert.Equal(404, status);
        Assert.Equal("model_not_found", body.GetProperty("error").GetProperty("code").GetString());
    }

    private static async Task<(int, string?)> FinishOf(Task<(int Status, string Text, string? Finish)> completion)
    {
        var (status, _, finish) = await completion;
        return (status, finish);
    }
}
