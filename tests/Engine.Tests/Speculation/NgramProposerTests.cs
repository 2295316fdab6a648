using Engine.Speculation;

namespace Engine.Tests.Speculation;

/// <summary>Prompt lookup proposes what followed the most recent earlier match of the longest suffix that recurs (and, where
/// that runs out, goes on copying).</summary>
public class NgramProposerTests
{
    [Theory]
    [InlineData(new[] { 1, 2, 3, 4, 1, 2 }, 3, 1, 3, new[] { 3, 4, 1 })]        // "1 2" recurs: what followed it
    [InlineData(new[] { 1, 2, 3, 4, 1, 2 }, 9, 1, 3, new[] { 3, 4, 1, 2, 3, 4, 1, 2, 3 })] // past the end, the copy goes on
    [InlineData(new[] { 7, 2, 5, 9, 2, 6, 1, 2 }, 2, 1, 1, new[] { 6, 1 })]     // the most recent match of "2"
    [InlineData(new[] { 1, 2, 5, 9, 3, 2, 6, 8, 1, 2 }, 2, 1, 2, new[] { 5, 9 })] // the longer suffix "1 2" wins over "2"
    [InlineData(new[] { 1, 2, 3, 4, 5 }, 3, 1, 3, new int[0])]                  // nothing recurs
    [InlineData(new[] { 5, 1, 2, 6, 2 }, 3, 2, 3, new int[0])]                  // "2" recurs, but shorter than prompt_lookup_min
    [InlineData(new[] { 4, 4, 4 }, 3, 1, 3, new[] { 4, 4, 4 })]                 // "4 4" matched at the start: the run goes on
    public void Propose_FollowsTheMostRecentLongestMatch(int[] tokens, int k, int min, int max, int[] expected) =>
        Assert.Equal(expected, NgramProposer.Propose([.. tokens], k, min, max));
}
