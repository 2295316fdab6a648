using Engine.Backends;
using Engine.Core;

namespace Engine.Tests.Core;

public class PrefixCachingTests
{
    /// <summary>A long shared prefix: prompt = the first reference's prompt and continuation, then a different tail.</summary>
    private static (List<int> First, List<int> Second) SharedPrefixPrompts()
    {
        var r = EngineRun.References[0];
        var prefix = r.PromptTokenIds.Concat(r.GreedyTokenIds).ToList();   // 65 tokens: 4 full blocks of 16
        var second = EngineRun.References[1].PromptTokenIds.Skip(1).ToList();
        return ([.. prefix, 300, 301], [.. prefix, .. second]);
    }

    [Theory]
    [MemberData(nameof(EngineRun.KvCacheDTypes), MemberType = typeof(EngineRun))]
    public async Task SecondRequest_HitsAllFullPrefixBlocks_RevivedFromFreedBlocks_SameOutput(KvCacheDType dtype)
    {
        var (first, second) = SharedPrefixPrompts();
        List<int> uncached;
        using (var plain = new LlmEngine(EngineRun.Options(o => o with { EnablePrefixCaching = false, KvCacheDType = dtype })))
            uncached = await EngineRun.Collect(plain.Add("b", second, EngineRun.Greedy(20)));

        using var engine = new LlmEngine(EngineRun.Options(o => o with { KvCacheDType = dtype }));
        var a = engine.Add("a", first, EngineRun.Greedy(5));
        await EngineRun.Collect(a);
        var freeAfterA = engine.Snapshot().FreeBlocks;
        Assert.Equal(engine.Snapshot().TotalBlocks, freeAfterA);   // A's blocks are free, but keep their hashes

        var b = engine.Add("b", second, EngineRun.Greedy(20));
        var ids = await EngineRun.Collect(b);
        int sharedTokens = first.Zip(second).TakeWhile(p => p.First == p.Second).Count();
        Assert.Equal(sharedTokens / 16 * 16, b.PrefixHitTokens);   // every full block of the shared prefix
        Assert.Equal(64, b.PrefixHitTokens);
        Assert.Equal(uncached, ids);
        Assert.Equal(64, engine.Snapshot().PrefixHitTokens);
    }

    [Fact]
    public async Task IdenticalPrompt_NeverCachesItsLastToken()
    {
        using var engine = new LlmEngine(EngineRun.Options());
        var prompt = Enumerable.Range(0, 32).Select(i => 300 + i % 50).ToList();   // exactly 2 blocks
        var first = await EngineRun.Collect(engine.Add("a", prompt, EngineRun.Greedy(8)));
        var again = engine.Add("b", prompt, EngineRun.Greedy(8));
        Assert.Equal(first, await EngineRun.Collect(again));
        Assert.Equal(16, again.PrefixHitTokens);   // the block with the last token is recomputed for its logits
    }
}
