using System.Diagnostics;
using Engine.Core;
using Engine.Loading;
using Engine.Sampling;
using Engine.Tests.Core;

namespace Engine.Tests.Loading;

/// <summary>
/// A paced load rests after each tensor, in proportion to the work since the previous one (3× it at the default quarter
/// share), only while others are busy, never longer than <see cref="LoadPacer.LongestRest"/>; an engine given a pacer
/// consults it before every tensor it reads and loads the same model.
/// </summary>
public sealed class LoadPacerTests
{
    [Fact]
    public void Rests_three_times_the_burst_while_others_are_busy_and_not_at_all_otherwise()
    {
        var rests = new List<TimeSpan>();
        bool busy = true;
        var pacer = new LoadPacer(() => busy, rest: rests.Add);
        pacer.Pace();   // the first tensor: only the time since the pacer was made
        rests.Clear();

        Work(TimeSpan.FromMilliseconds(30));
        pacer.Pace();
        Assert.True(Assert.Single(rests) >= TimeSpan.FromMilliseconds(90), $"rest {rests[0].TotalMilliseconds} ms after 30 ms of work");

        busy = false;
        Work(TimeSpan.FromMilliseconds(30));
        pacer.Pace();
        Assert.Single(rests);

        // A burst measured from the previous call: nothing owed for the 30 ms before the unpaced one (that would be ≥ 90 ms more;
        // 30 ms of slack for a machine that takes the thread away between the two calls).
        busy = true;
        var since = Stopwatch.StartNew();
        pacer.Pace();
        var bound = 3 * since.Elapsed + TimeSpan.FromMilliseconds(30);
        Assert.True(rests[^1] < bound, $"rest {rests[^1].TotalMilliseconds} ms after {since.Elapsed.TotalMilliseconds} ms without work");
    }

    [Fact]
    public void A_long_burst_rests_at_most_the_longest_rest()
    {
        var rests = new List<TimeSpan>();
        var pacer = new LoadPacer(() => true, share: 1e-6, rest: rests.Add);
        Work(TimeSpan.FromMilliseconds(5));
        pacer.Pace();
        Assert.Equal(LoadPacer.LongestRest, Assert.Single(rests));
    }

    [Fact]
    public async Task An_engine_consults_its_pacer_before_every_tensor_and_loads_the_same_model()
    {
        using var tiny = TinyModel.Create(hidden: 32, heads: 4, kvHeads: 2, layers: 3, intermediate: 48, vocab: 512, seed: 8).WithTokenizerOf(TestData.Stories260K);
        int asked = 0;
        var options = new EngineOptions { Model = tiny.Directory, MaxNumBatchedTokens = 64, MaxNumSeqs = 4, Seed = 1 };
        using var paced = new LlmEngine(options with { LoadPacer = new LoadPacer(() => { asked++; return false; }) });
        Assert.Equal(CheckpointTensors(tiny.Directory), asked);

        using var plain = new LlmEngine(options);
        var prompt = new[] { 1, 50, 60, 70 };
        var greedy = new SamplingParams { Temperature = 0, MaxTokens = 12, IgnoreEos = true };
        Assert.Equal(await EngineRun.Collect(plain.Add("a", prompt, greedy)), await EngineRun.Collect(paced.Add("a", prompt, greedy)));
    }

    /// <summary>How many tensors the checkpoint holds, from its safetensors header.</summary>
    private static int CheckpointTensors(string directory)
    {
        var bytes = File.ReadAllBytes(Path.Combine(directory, "model.safetensors"));
        var header = System.Text.Json.JsonDocument.Parse(bytes.AsMemory(8, (int)BitConverter.ToInt64(bytes, 0)));
        return header.RootElement.EnumerateObject().Count(p => p.Name != "__metadata__");
    }

    private static void Work(TimeSpan span)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < span) Thread.SpinWait(100);
    }
}
