using System.Text.Json;
using Engine.Core;
using Engine.Sampling;

namespace ModelCacheService.Tests;

/// <summary>The engine loads the pulled snapshot (through its symlinks) and generates llama2.c's reference text.</summary>
[Collection(PulledStoriesCollection.Name)]
public sealed class EngineFromPulledSnapshotTests(PulledStoriesFixture fixture)
{
    [Fact]
    public async Task Engine_GeneratesTheReferenceGreedyText_FromThePulledSnapshot()
    {
        var snapshotPath = fixture.FinalState.GetProperty("snapshot_path").GetString()!;
        Assert.True(new FileInfo(Path.Combine(snapshotPath, "model.safetensors")).LinkTarget is not null, "the engine must read through the cache's symlinks");
        var (promptIds, expected) = OnceUponATime();

        using var engine = new LlmEngine(new EngineOptions { Model = snapshotPath, MaxNumSeqs = 4, MaxNumBatchedTokens = 512 });
        var seq = engine.Add("pulled-snapshot", promptIds, new SamplingParams { Temperature = 0, MaxTokens = 60 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var generated = new List<int>();
        await foreach (var output in seq.Output.Reader.ReadAllAsync(timeout.Token)) generated.Add(output.TokenId);

        Assert.Equal(expected, generated);
    }

    /// <summary>The "Once upon a time" case of reference-greedy.json (llama2.c's run.c on the original model).</summary>
    private static (int[] PromptIds, List<int> GreedyIds) OnceUponATime()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("models", "stories260K", "reference-greedy.json")));
        var c = json.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("prompt").GetString() == "Once upon a time");
        return (c.GetProperty("prompt_token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("greedy_token_ids").EnumerateArray().Select(e => e.GetInt32()).ToList());
    }
}
