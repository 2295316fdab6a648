using Engine.Core;
using Engine.Sampling;

namespace Engine.Tests.Core;

public class QueueAndPriorityTests
{
    [Fact]
    public async Task FullWaitingQueue_RejectsAtOnce_AndCounts()
    {
        using var engine = new LlmEngine(EngineRun.Options(o => o with { MaxNumSeqs = 1, MaxNumQueuedRequests = 2 }));
        var prompt = EngineRun.References[0].PromptTokenIds;
        var busy = new SamplingParams { Temperature = 0, MaxTokens = 400, IgnoreEos = true };
        var running = engine.Add("running", prompt, busy);
        await running.Output.Reader.WaitToReadAsync();   // it holds the only sequence slot now
        var queued = new[] { engine.Add("q1", prompt, busy), engine.Add("q2", prompt, busy) };
        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.Throws<QueueFullException>(() => engine.Add("q3", prompt, busy));
        Assert.True(started.ElapsedMilliseconds < 1000);
        Assert.Contains("--max-num-queued-requests", error.Message);
        Assert.Equal(1, engine.Statistics.RejectedRequests);
        foreach (var seq in queued.Append(running)) engine.Abort(seq);
    }

    [Fact]
    public async Task PriorityPolicy_ServesLaterHighPriorityRequestFirst()
    {
        using var engine = new LlmEngine(EngineRun.Options(o => o with { MaxNumSeqs = 1, SchedulingPolicy = SchedulingPolicy.Priority }));
        var prompt = EngineRun.References[0].PromptTokenIds;
        var first = engine.Add("first", prompt, EngineRun.Greedy(40), priority: 5);
        await first.Output.Reader.WaitToReadAsync();
        var low = engine.Add("low", prompt, EngineRun.Greedy(10), priority: 10);
        var high = engine.Add("high", prompt, EngineRun.Greedy(10), priority: 0);
        await Task.WhenAll(EngineRun.Collect(first), EngineRun.Collect(low), EngineRun.Collect(high));
        // Engine-side timestamps (reader completion order would race): high was admitted before low.
        Assert.True(high.FirstScheduledTimestamp < low.FirstScheduledTimestamp, "the later, higher-priority request runs first");
        Assert.True(first.LastTokenTimestamp <= high.FirstScheduledTimestamp, "the running request was not displaced");
    }
}
