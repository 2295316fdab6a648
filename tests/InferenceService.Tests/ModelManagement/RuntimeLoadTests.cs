using System.Text.Json;

namespace InferenceService.Tests.ModelManagement;

/// <summary>
/// POST /admin/models loads a second model into a running replica without disturbing the first: sixteen greedy streams
/// running on the first while it loads give exactly the text they give without the load; two POSTs of the same model at once
/// make one load, paced to give the busy model the cores first; the new model then answers, is listed by /v1/models and has
/// its own /metrics series.
/// </summary>
public sealed class RuntimeLoadTests
{
    private const int Streams = 16;

    [Fact]
    public async Task ASecondModel_LoadedWhileSixteenStreamsRun_DisturbsNone_AndThenAnswers()
    {
        using var second = ModelReplica.SmallModel(seed: 7);
        await using var replica = await ModelReplica.StartAsync("--max-num-seqs", "32");
        var prompts = Enumerable.Range(0, Streams).Select(i => $"Once upon a time, story {i}, there was").ToList();
        var alone = await Task.WhenAll(prompts.Select(p => replica.CompleteAsync(ModelReplica.First, p, 400, stream: true)));
        Assert.All(alone, r => Assert.Equal((200, "length"), (r.Status, r.Finish)));

        var running = prompts.Select(p => replica.CompleteAsync(ModelReplica.First, p, 400, stream: true)).ToList();
        await Poll.UntilAsync(async () => (await replica.EntryAsync(ModelReplica.First))?.GetProperty("requests").GetProperty("admitted").GetInt32() >= Streams / 2,
            "the streams to run");
        var body = new { model = second.Directory, served_model_name = "second", kv_cache_memory = "8MiB" };
        var posts = await Task.WhenAll(replica.LoadAsync(body), replica.LoadAsync(body));
        Assert.All(posts, p => Assert.True(p.Status == 202, p.Body.ToString()));
        Assert.Equal(new[] { false, true }, posts.Select(p => p.Body.GetProperty("joined").GetBoolean()).Order());
        var ready = await replica.WaitForStateAsync("second", "ready");
        Assert.Equal("ready", ModelReplica.State(ready));
        Assert.Equal(1, ready!.Value.GetProperty("loads").GetInt32());   // the second POST joined the first's load
        Assert.True(ready.Value.GetProperty("memory").GetProperty("weights_bytes").GetInt64() > 0);
        Assert.Equal("float32", ready.Value.GetProperty("kv_cache_dtype").GetString());   // auto, for F32 weights

        // The load gave the busy model the cores first (it rested after its tensors); the startup model, loaded alone, never rested.
        var output = replica.Service.Process.Output;
        Assert.Matches(@"Model second ready: .*the load rested [1-9][0-9]* times", output);
        Assert.Matches(@"Model first ready: .*the load rested 0 times", output);

        var during = await Task.WhenAll(running);
        for (int i = 0; i < Streams; i++) Assert.Equal(alone[i], during[i]);

        var answer = await replica.CompleteAsync("second", "Once upon a time", 8);
        Assert.Equal((200, "length"), (answer.Status, answer.Finish));
        var models = JsonDocument.Parse(await replica.Http.GetStringAsync("v1/models")).RootElement.GetProperty("data").EnumerateArray()
            .Select(m => m.GetProperty("id").GetString()).Order();
        Assert.Equal(new[] { "first", "second" }, models);
        var metrics = await replica.Http.GetStringAsync("metrics");
        Assert.Contains("vllm:generation_tokens_total{model_name=\"second\"} 8", metrics);
        Assert.Single(metrics.Split('\n'), l => l == "# TYPE vllm:generation_tokens_total counter");
    }
}
