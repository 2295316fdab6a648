using Engine.Sampling;

namespace Engine.Tests.Sampling;

public class TopKSelectorTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 3)]
    [InlineData(1000, 1)]
    [InlineData(1000, 50)]
    [InlineData(1000, 1000)]
    public void Largest_MatchesFullSort_TiesByLowestId(int n, int k)
    {
        var rng = new Random(n + k);
        var scores = Enumerable.Range(0, n).Select(_ => (float)rng.Next(0, 20)).ToArray(); // many ties
        var dest = new ScoredToken[k];
        TopKSelector.Largest(scores, k, dest);
        var expected = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k).ToArray();
        Assert.Equal(expected, dest.Select(t => t.Id).ToArray());
        Assert.All(dest, t => Assert.Equal(scores[t.Id], t.Score));
    }
}
