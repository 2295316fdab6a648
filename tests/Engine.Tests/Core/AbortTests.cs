using Engine.Core;
using Engine.Sampling;

namespace Engine.Tests.Core;

public class AbortTests
{
    [Fact]
    public async Task ThousandAbortsAtRandomPoints_LeaveThePoolAsFullAsBefore()
    {
        using var engine = new LlmEngine(EngineRun.Options(o => o with { MaxNumSeqs = 32, MaxNumBatchedTokens = 64 }));
        int freeBefore = engine.Snapshot().FreeBlocks;
        var random = new Random(3);
        var references = EngineRun.References;
        var readers = new List<Task>();
        for (int i = 0; i < 1000; i++)
        {
            var r = references[i % references.Count];
            var seq = engine.Add($"r{i}", r.PromptTokenIds, new SamplingParams { Temperature = 0.8f, MaxTokens = 200, IgnoreEos = true });
            int abortAfter = random.Next(0, 12);
            readers.Add(Task.Run(async () =>
            {
                int seen = 0;
                await foreach (var _ in seq.Output.Reader.ReadAllAsync())
                    if (++seen >= abortAfter) engine.Abort(seq);
                if (abortAfter == 0) engine.Abort(seq);
            }));
            if (random.Next(4) == 0) engine.Abort(seq);   // some before they ever run
        }
        var all = Task.WhenAll(readers);
        Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(2))));   // no reader is left waiting
        var snapshot = engine.Snapshot();
        Assert.Equal(0, snapshot.Running);
        Assert.Equal(0, snapshot.Waiting);
        Assert.Equal(freeBefore, snapshot.FreeBlocks);
    }
}
