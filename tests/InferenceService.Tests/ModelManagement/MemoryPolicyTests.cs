namespace InferenceService.Tests.ModelManagement;

/// <summary>
/// --max-memory: a load that does not fit unloads the least recently used idle model (it stays listed as unloaded), and when
/// no idle model can make room the load is refused with a 409 that gives the numbers (needed, free, what each model holds),
/// the models serving meanwhile undisturbed.
/// </summary>
public sealed class MemoryPolicyTests
{
    private const string Kv = "4MiB";

    [Fact]
    public async Task ALoadThatDoesNotFit_EvictsTheLeastRecentlyUsedIdleModel_ElseIsRefusedWith409()
    {
        using var a = ModelReplica.SmallModel(seed: 11);
        using var b = ModelReplica.SmallModel(seed: 12);
        // Room for the startup model and one more: each holds a 4 MiB KV budget and well under 1 MiB of weights.
        await using var replica = await ModelReplica.StartAsync("--kv-cache-memory", Kv, "--max-model-len", "256", "--max-memory", "12MiB");
        Assert.Equal(202, (await replica.LoadAsync(new { model = a.Directory, served_model_name = "a", kv_cache_memory = Kv, max_model_len = 256 })).Status);
        Assert.Equal("ready", ModelReplica.State(await replica.WaitForStateAsync("a", "ready")));
        // "first" is used after "a" was loaded: "a" is now the least recently used.
        Assert.Equal(200, (await replica.CompleteAsync(ModelReplica.First, "Once upon a time", 2)).Status);

        var (status, body) = await replica.LoadAsync(new { model = b.Directory, served_model_name = "b", kv_cache_memory = Kv, max_model_len = 256 });
        Assert.True(status == 202, body.ToString());
        Assert.Equal("ready", ModelReplica.State(await replica.WaitForStateAsync("b", "ready")));
        var evicted = await replica.EntryAsync("a");
        Assert.Equal("unloaded", ModelReplica.State(evicted));
        Assert.Equal(0, evicted!.Value.GetProperty("memory").GetProperty("total_bytes").GetInt64());
        Assert.Equal(404, (await replica.CompleteAsync("a", "Once", 2)).Status);   // without --load-on-demand it stays unloaded

        // Both loaded models busy: nothing idle to unload, so loading "a" again is refused, with the numbers.
        var busy = new[] { ModelReplica.First, "b" }.Select(m => replica.CompleteAsync(m, "A long story", 200, stream: true)).ToList();
        await Poll.UntilAsync(async () => (await replica.EntryAsync("b"))?.GetProperty("requests").GetProperty("admitted").GetInt32() == 1
            && (await replica.EntryAsync(ModelReplica.First))?.GetProperty("requests").GetProperty("admitted").GetInt32() == 1, "both models to be busy");
        (status, body) = await replica.LoadAsync(new { model = a.Directory, served_model_name = "a", kv_cache_memory = Kv, max_model_len = 256 });
        Assert.Equal(409, status);
        var error = body.GetProperty("error");
        Assert.Equal("insufficient_memory", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString()!;
        long maxMemory = 12L << 20;
        Assert.Contains($"of --max-memory {maxMemory} bytes are free", message);
        Assert.Contains("The model 'a' needs ", message);
        Assert.Contains("first: ", message);
        Assert.Contains("b: ", message);
        Assert.All(await Task.WhenAll(busy), r => Assert.Equal((200, "length"), (r.Status, r.Finish)));
        Assert.Equal("ready", ModelReplica.State(await replica.EntryAsync("b")));
        Assert.Equal("unloaded", ModelReplica.State(await replica.EntryAsync("a")));
    }
}
