using Engine.Core;
using Engine.Sampling;

namespace Engine.Tests.Core;

/// <summary>
/// Sliding window in every layer: the blocks before a sequence's window are released as it advances, so a generation far
/// longer than the window holds a flat number of blocks, and its output is still the naive windowed forward's; prefix
/// caching over released blocks stays correct.
/// </summary>
public sealed class SlidingWindowTests
{
    private const int Window = 64, BlockSize = 16;

    [Fact]
    public async Task A_generation_twenty_windows_long_holds_the_blocks_of_one_window_and_equals_the_naive_forward()
    {
        using var model = SlidingWindowModel.Create(Window, maxPositions: 2048);
        using var engine = new LlmEngine(Options(model));
        int total = engine.Snapshot().TotalBlocks;
        var prompt = Enumerable.Range(0, 40).Select(i => 3 + i * 7 % 500).ToArray();

        var seq = engine.Add("long", prompt, new SamplingParams { Temperature = 0, MaxTokens = 1300, IgnoreEos = true });
        var generated = new List<int>();
        var heldAfterWindow = new List<int>();
        await foreach (var output in seq.Output.Reader.ReadAllAsync())
        {
            generated.Add(output.TokenId);
            if (prompt.Length + generated.Count > 2 * Window) heldAfterWindow.Add(total - engine.Snapshot().FreeBlocks);
        }

        // The window's blocks, the partial block being written and the one the window starts in.
        Assert.InRange(heldAfterWindow.Max(), 1, Window / BlockSize + 2);
        Assert.Equal(total, engine.Snapshot().FreeBlocks);
        SlidingWindowModel.AssertGreedyMatchesNaive(model, prompt, generated);
    }

    [Fact]
    public async Task A_repeated_long_prompt_hits_the_prefix_cache_and_gives_the_same_output()
    {
        using var model = SlidingWindowModel.Create(Window, maxPositions: 2048);
        using var engine = new LlmEngine(Options(model) with { KvCacheMemory = 64 * SlidingWindowModel.KvBytesPerBlock(BlockSize) });   // the prompt's 19 blocks stay cached
        var prompt = Enumerable.Range(0, 300).Select(i => 3 + i * 13 % 500).ToArray();

        var first = await EngineRun.Collect(engine.Add("a", prompt, new SamplingParams { Temperature = 0, MaxTokens = 40, IgnoreEos = true }));
        long hitsBefore = engine.Snapshot().PrefixHitTokens;
        var second = await EngineRun.Collect(engine.Add("b", prompt, new SamplingParams { Temperature = 0, MaxTokens = 40, IgnoreEos = true }));

        Assert.Equal(18 * BlockSize, engine.Snapshot().PrefixHitTokens - hitsBefore);   // every full block short of the last token's
        Assert.Equal(first, second);
        SlidingWindowModel.AssertGreedyMatchesNaive(model, prompt, first);
    }

    /// <summary>Room for two windows only: without releasing blocks, 1340 tokens (84 blocks) would not fit.</summary>
    private static EngineOptions Options(TinyModel model) => new()
    {
        Model = model.Directory, BlockSize = BlockSize, MaxNumBatchedTokens = 64, MaxNumSeqs = 4, MaxModelLen = 2048,
        KvCacheMemory = 16 * SlidingWindowModel.KvBytesPerBlock(BlockSize), Seed = 1,
    };
}
