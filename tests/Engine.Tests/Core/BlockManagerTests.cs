using Engine.Core;
using Engine.Sampling;

namespace Engine.Tests.Core;

/// <summary>The block manager's bookkeeping, without a model.</summary>
public class BlockManagerTests
{
    private static Sequence Seq(params int[] tokens) =>
        new("s", tokens, SamplingParams.Greedy(4), new SequenceSampler(SamplingParams.Greedy(4), [2]));

    private static void Compute(BlockManager blocks, Sequence seq)
    {
        Assert.True(blocks.TryAllocate(seq, seq.UncomputedTokens));
        seq.CachedTokens = seq.Length;
        blocks.CacheFullBlocks(seq);
    }

    [Fact]
    public void SharedPrefix_IsRefCounted_AndFreedOnlyWhenBothAreDone()
    {
        var blocks = new BlockManager(10, 4, enablePrefixCaching: true);
        var a = Seq(1, 2, 3, 4, 5, 6, 7, 8, 9);
        Compute(blocks, a);                          // 3 blocks: [1..4] [5..8] [9]
        Assert.Equal(7, blocks.FreeBlocks);
        var b = Seq(1, 2, 3, 4, 5, 6, 7, 8, 10, 11);
        blocks.AllocateCachedPrefix(b);
        Assert.Equal(8, b.CachedTokens);            // both full blocks shared
        Assert.Equal(a.BlockTable.Take(2), b.BlockTable);
        Compute(blocks, b);
        Assert.Equal(6, blocks.FreeBlocks);          // only b's own tail block is new
        blocks.Free(a);
        Assert.Equal(7, blocks.FreeBlocks);          // shared blocks still held by b
        blocks.Free(b);
        Assert.Equal(10, blocks.FreeBlocks);
    }

    [Fact]
    public void FreedCachedBlocks_AreRevived_UntilReusedLeastRecentlyFreedFirst()
    {
        var blocks = new BlockManager(4, 4, enablePrefixCaching: true);
        var a = Seq(1, 2, 3, 4, 5);
        Compute(blocks, a);
        blocks.Free(a);
        var again = Seq(1, 2, 3, 4, 6);
        blocks.AllocateCachedPrefix(again);
        Assert.Equal(4, again.CachedTokens);        // revived from the free list
        blocks.Free(again);

        var filler = Seq(Enumerable.Range(100, 16).ToArray());
        Compute(blocks, filler);                     // takes every block, forgetting the cached one
        blocks.Free(filler);
        var late = Seq(1, 2, 3, 4, 7);
        blocks.AllocateCachedPrefix(late);
        Assert.Equal(0, late.CachedTokens);
    }

    [Fact]
    public void HashCollisionOrDifferentTokens_IsNotAHit()
    {
        var blocks = new BlockManager(8, 4, enablePrefixCaching: true);
        Compute(blocks, Seq(1, 2, 3, 4, 5));
        var other = Seq(1, 2, 3, 9, 5);
        blocks.AllocateCachedPrefix(other);
        Assert.Equal(0, other.CachedTokens);
    }

    [Fact]
    public void LastPromptTokenIsNeverCached_SoItsLogitsAreComputed()
    {
        var blocks = new BlockManager(8, 4, enablePrefixCaching: true);
        Compute(blocks, Seq(1, 2, 3, 4, 5, 6, 7, 8));
        var same = Seq(1, 2, 3, 4, 5, 6, 7, 8);
        blocks.AllocateCachedPrefix(same);
        Assert.Equal(4, same.CachedTokens);
    }

    [Fact]
    public void PrefixCachingOff_NeverHits_AndAllocationFailsCleanlyWhenShort()
    {
        var blocks = new BlockManager(2, 4, enablePrefixCaching: false);
        var a = Seq(1, 2, 3, 4, 5);
        Compute(blocks, a);
        var b = Seq(1, 2, 3, 4, 5);
        blocks.AllocateCachedPrefix(b);
        Assert.Equal(0, b.CachedTokens);
        Assert.False(blocks.TryAllocate(b, 5));
        Assert.Empty(b.BlockTable);
        Assert.Equal(0, blocks.FreeBlocks);
    }
}
