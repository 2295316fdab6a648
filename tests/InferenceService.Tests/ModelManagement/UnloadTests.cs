using System.Text.Json;

namespace InferenceService.Tests.ModelManagement;

/// <summary>
/// DELETE /admin/models/{name}?grace=…: new requests for the model are refused at once (503 model_unloading), a request that
/// finishes within the grace period completes normally (else it ends with the documented 503 model_unloaded), streams still running after it end with an error event
/// (code model_unloaded), the model's series leave /metrics, and the process's anonymous resident memory (RssAnon, the part of VmRSS that is not mapped files) drops by (within 5%) the
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
        long before = replica.AnonymousResidentBytes();
        var (status, body) = await replica.LoadAsync(new { model = big.Directory, served_model_name = "big", kv_cache_memory = "128MiB", max_model_len = 1024 });
        Assert.True(status == 202, body.ToString());
        var entry = await replica.WaitForStateAsync("big", "ready");
        Assert.Equal("ready", ModelReplica.State(entry));
        long weights = entry!.Value.GetProperty("memory").GetProperty("weights_bytes").GetInt64();
        Assert.True(weights > 200_000_000, $"weights {weights}");

        // The short request first, so the engine schedules it before the long ones: it should finish within the grace period,
        // they (850 tokens of a 250 MB model on one thread) cannot. Their prompts of about a hundred tokens write KV blocks.
        var shortOne = replica.CompleteAsync("big", "Short", 2);
        var story = string.Concat(Enumerable.Repeat(" once upon a time there was a little girl", 6));
        var longStreams = Enumerable.Range(0, 3).Select(i => replica.CompleteAsync("big", $"Story {i}:{story}", 850, stream: true)).ToList();
        await Poll.UntilAsync(async () => (await replica.EntryAsync("big"))?.GetProperty("requests").GetProperty("running").GetInt32() >= 3, "the long streams to run");
        long loaded = replica.AnonymousResidentBytes();   // serving: every weight page read, the requests' memory allocated

        (status, body) = await replica.AdminAsync(HttpMethod.Delete, "admin/models/big?grace=10s");
        Assert.True(status == 202, body.ToString());
        Assert.Equal("draining", body.GetProperty("model").GetProperty("state").GetString());
        var refused = await replica.CompleteAsync("big", "Too late", 2);
        Assert.Equal(503, refused.Status);
        Assert.Equal("model_unloading", JsonDocument.Parse(refused.Text).RootElement.GetProperty("error").GetProperty("code").GetString());

        // It finished within the grace period, or (a machine too loaded for that) ended with the documented error.
        var shortResult = await shortOne;
        Assert.True((shortResult.Status, shortResult.Finish) == (200, "length") || EndedByTheUnload(shortResult), $"{shortResult}");
        foreach (var stream in longStreams)
        {
            var result = await stream;
            Assert.True(EndedByTheUnload(result), $"{result}");
        }
        await replica.WaitForAsync("big", e => e is null, "gone");
        var metrics = await replica.Http.GetStringAsync("metrics");
        Assert.DoesNotContain("model_name=\"big\"", metrics);
        Assert.Contains("vllm:kv_cache_usage_perc{model_name=\"first\"}", metrics);
        long unloaded = replica.AnonymousResidentBytes();
        // The weights' pages as resident (a few may be out under memory pressure): within 5% of their size, and the process
        // back near where it was before the load.
        Assert.True(loaded - unloaded >= weights / 20 * 19 && unloaded - before < weights / 10,
            $"RssAnon {before:N0} bytes before the load, {loaded:N0} serving, {unloaded:N0} after the unload; weights {weights:N0} bytes\n{replica.Service.Process.Output}");

        Assert.Equal((200, "length"), await FinishOf(replica.CompleteAsync(ModelReplica.First, "Once upon a time", 4)));
        (status, body) = await replica.AdminAsync(HttpMethod.Delete, "admin/models/big");
        Assert.Equal(404, status);
        Assert.Equal("model_not_found", body.GetProperty("error").GetProperty("code").GetString());
    }

    /// <summary>The documented end of a request still running after the grace period: an error event (code model_unloaded)
    /// where its stream had started, else a 503 with that code.</summary>
    private static bool EndedByTheUnload((int Status, string Text, string? Finish) result) =>
        (result.Status, result.Finish) == (200, "model_unloaded")
        || (result.Status == 503 && JsonDocument.Parse(result.Text).RootElement.GetProperty("error").GetProperty("code").GetString() == "model_unloaded");

    private static async Task<(int, string?)> FinishOf(Task<(int Status, string Text, string? Finish)> completion)
    {
        var (status, _, finish) = await completion;
        return (status, finish);
    }
}
