using Engine.Sampling;

namespace Engine.Tests.Sampling;

/// <summary>The filtered distribution (temperature → top-k → top-p → min-p) against the naive reference, exactly.</summary>
public class SamplingDistributionTests
{
    private static readonly float[] Temperatures = [0.3f, 1f, 1.7f];
    private static readonly int[] TopKs = [0, -1, 1, 5, 40];
    private static readonly float[] TopPs = [1f, 0.37f, 0.9f, 0.995f];
    private static readonly float[] MinPs = [0f, 0.05f, 0.3f];

    [Theory]
    [InlineData(7, 1.0, 0.0)]
    [InlineData(100, 3.0, 0.0)]
    [InlineData(100, 2.0, 0.5)]      // quantized: many exact ties, including at the top-k boundary
    [InlineData(3000, 1.0, 0.0)]     // flat: top-p needs several candidate passes
    [InlineData(3000, 8.0, 0.0)]     // peaked
    [InlineData(50000, 2.0, 0.0)]
    [InlineData(50000, 0.3, 0.0)]    // nearly uniform over a large vocabulary
    public void FilteredProbabilities_MatchNaiveReference(int vocab, double scale, double quantum)
    {
        var rng = new Random(vocab * 31 + (int)(scale * 10));
        var logits = NaiveSampling.RandomLogits(rng, vocab, scale, quantum);
        var combos =
            from t in Temperatures from k in TopKs from topP in TopPs from minP in MinPs
            select new SamplingParams { Temperature = t, TopK = k, TopP = topP, MinP = minP };
        // Every combination on small vocabularies; a fixed random subset on large ones to keep the naive sorts cheap.
        var chosen = vocab <= 3000 ? combos.ToList() : combos.OrderBy(_ => rng.Next()).Take(20).ToList();

        foreach (var p in chosen)
        {
            var expected = NaiveSampling.Probabilities(logits, p.Temperature, p.TopK, p.TopP, p.MinP);
            var actual = Filtered(logits, p);
            for (int i = 0; i < vocab; i++)
            {
                if (expected[i] == 0) Assert.True(actual[i] == 0, $"{p}: token {i} should be filtered out, got {actual[i]}");
                else Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 + 1e-4 * expected[i],
                    $"{p}: token {i} expected {expected[i]}, got {actual[i]}");
            }
        }
    }

    [Fact]
    public void TopK_KeepsTiesWithTheKthLogit()
    {
        float[] logits = [1f, 3f, 2f, 2f, 2f, 0f];
        var probs = Filtered(logits, new SamplingParams { TopK = 2 });
        Assert.Equal(0f, probs[0]);
        Assert.Equal(0f, probs[5]);
        Assert.True(probs[2] > 0 && probs[2] == probs[3] && probs[3] == probs[4]);
    }

    [Fact]
    public void TopP_KeepsTheTokenThatReachesTopP()
    {
        // Probabilities 0.5, 0.3, 0.2: top_p = 0.6 keeps the first two (0.5 < 0.6, then 0.8 >= 0.6).
        float[] logits = [MathF.Log(0.2f), MathF.Log(0.5f), MathF.Log(0.3f)];
        var probs = Filtered(logits, new SamplingParams { TopP = 0.6f });
        Assert.Equal(0f, probs[0]);
        Assert.Equal(0.625f, probs[1], 5);
        Assert.Equal(0.375f, probs[2], 5);
        // A tiny top_p still keeps the best token.
        probs = Filtered(logits, new SamplingParams { TopP = 1e-6f });
        Assert.Equal([0f, 1f, 0f], probs);
    }

    [Fact]
    public void TopP_ExactlyReached_StopsThere_TiesByLowestId()
    {
        // Four equal tokens (exact weights): mass 0.25 before the second, 0.5 before the third = top_p, so two stay,
        // as vLLM's mask (ascending cumsum <= 1 - top_p) leaves two.
        var probs = Filtered([1f, 1f, 1f, 1f], new SamplingParams { TopP = 0.5f });
        Assert.Equal([0.5f, 0.5f, 0f, 0f], probs);
    }

    [Fact]
    public void MinP_IsRelativeToTheBestToken()
    {
        // Probabilities 0.5, 0.3, 0.15, 0.05 with min_p 0.3: the threshold is 0.15, which is kept (>=).
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.15f), MathF.Log(0.05f)];
        var probs = Filtered(logits, new SamplingParams { MinP = 0.29f });
        Assert.True(probs[2] > 0);
        Assert.Equal(0f, probs[3]);
        Assert.Equal(0.5 / 0.95, probs[0], 5);
    }

    private static float[] Filtered(float[] logits, SamplingParams p)
    {
        var work = (float[])logits.Clone();
        var probs = new float[logits.Length];
        SamplingDistribution.Build(work, p, new SamplingScratch()).CopyProbabilitiesTo(probs);
        return probs;
    }
}
