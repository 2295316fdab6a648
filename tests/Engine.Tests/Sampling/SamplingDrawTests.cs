using Engine.Sampling;

namespace Engine.Tests.Sampling;

/// <summary>Empirical frequencies of SequenceSampler draws against the naive reference's exact probabilities.</summary>
public class SamplingDrawTests
{
    private const int Draws = 20_000;
    private static readonly int[] NoEos = [];

    public static TheoryData<float, int, float, float> Settings => new()
    {
        { 1f, 0, 1f, 0f },
        { 0.6f, 0, 1f, 0f },
        { 1.5f, 4, 1f, 0f },
        { 1f, 0, 0.8f, 0f },
        { 1f, 0, 1f, 0.1f },
        { 0.9f, 6, 0.9f, 0.05f },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Frequencies_MatchFilteredSoftmax(float temperature, int topK, float topP, float minP)
    {
        float[] logits = [0.5f, 2f, -1f, 1.2f, 0f, 1.9f, -0.3f, 0.8f, 1.5f, -2f];
        var p = new SamplingParams { Temperature = temperature, TopK = topK, TopP = topP, MinP = minP, Seed = 1234 };
        var expected = NaiveSampling.Probabilities(logits, temperature, topK, topP, minP);

        var counts = DrawCounts(logits, p);

        var (chi, df) = NaiveSampling.ChiSquare(counts, expected, Draws);
        Assert.True(chi < NaiveSampling.ChiSquareLimit(df), $"chi-square {chi:F1} with {df} degrees of freedom");
    }

    [Fact]
    public void Frequencies_OverALargeVocabulary_MatchSoftmaxInBins()
    {
        // 5000 tokens span several blocks of the dense draw; compare counts in 50 bins of 100 ids.
        var logits = NaiveSampling.RandomLogits(new Random(7), 5000, 1.0);
        var p = new SamplingParams { Temperature = 0.8f, MinP = 0.02f, Seed = 99 };
        var expected = NaiveSampling.Probabilities(logits, p.Temperature, p.TopK, p.TopP, p.MinP);

        var counts = DrawCounts(logits, p);

        var binCounts = new int[50];
        var binProbs = new double[50];
        for (int i = 0; i < logits.Length; i++)
        {
            if (expected[i] == 0) Assert.Equal(0, counts[i]);
            binCounts[i / 100] += counts[i];
            binProbs[i / 100] += expected[i];
        }
        var (chi, df) = NaiveSampling.ChiSquare(binCounts, binProbs, Draws);
        Assert.True(chi < NaiveSampling.ChiSquareLimit(df), $"chi-square {chi:F1} with {df} degrees of freedom");
    }

    [Fact]
    public void SameSeed_GivesSameDraws_DifferentSeedsDiffer()
    {
        var logits = NaiveSampling.RandomLogits(new Random(3), 200, 0.5);
        int[] a = Sequence(logits, 42), b = Sequence(logits, 42), c = Sequence(logits, 43);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(Sequence(logits, null), Sequence(logits, null));
    }

    [Fact]
    public void TemperatureZero_IsArgmax_TiesGoToLowestId()
    {
        var sampler = new SequenceSampler(SamplingParams.Greedy(5), NoEos);
        Assert.Equal(1, sampler.Sample(new float[] { 1f, 3f, 3f, 2f }, []).TokenId);
        var rng = new Random(5);
        for (int trial = 0; trial < 50; trial++)
        {
            var logits = NaiveSampling.RandomLogits(rng, 1000, 2.0, trial % 2 == 0 ? 0.5 : 0);
            Assert.Equal(NaiveSampling.ArgmaxLowestId(logits), sampler.Sample((float[])logits.Clone(), []).TokenId);
        }
    }

    [Fact]
    public void TopK1_EqualsGreedy_AlsoWithPenalties()
    {
        var common = new SamplingParams { RepetitionPenalty = 1.3f, FrequencyPenalty = 0.7f, PresencePenalty = 0.4f, MaxTokens = 100 };
        var topK1 = new SequenceSampler(common with { Temperature = 1.3f, TopK = 1, Seed = 8 }, NoEos);
        var greedy = new SequenceSampler(common with { Temperature = 0f }, NoEos);
        int[] prompt = [1, 2, 3];
        var rng = new Random(11);
        for (int step = 0; step < 100; step++)
        {
            var logits = NaiveSampling.RandomLogits(rng, 300, 1.0);
            int a = topK1.Sample((float[])logits.Clone(), prompt).TokenId;
            int b = greedy.Sample((float[])logits.Clone(), prompt).TokenId;
            Assert.Equal(b, a);
            topK1.Accept(a);
            greedy.Accept(b);
        }
    }

    [Fact]
    public void LogitBias_PlusHundredForces_MinusHundredForbids()
    {
        var logits = NaiveSampling.RandomLogits(new Random(2), 50, 3.0);
        int best = NaiveSampling.ArgmaxLowestId(logits);
        int target = (best + 7) % 50;

        var forced = DrawCounts(logits, new SamplingParams { Seed = 5, LogitBias = new Dictionary<int, float> { [target] = 100f } });
        Assert.Equal(Draws, forced[target]);

        var forbidden = DrawCounts(logits, new SamplingParams { Seed = 5, LogitBias = new Dictionary<int, float> { [best] = -100f } });
        Assert.Equal(0, forbidden[best]);

        var greedy = new SequenceSampler(SamplingParams.Greedy(1) with { LogitBias = new Dictionary<int, float> { [best] = -100f } }, NoEos);
        Assert.NotEqual(best, greedy.Sample((float[])logits.Clone(), []).TokenId);
    }

    private static int[] DrawCounts(float[] logits, SamplingParams p)
    {
        var sampler = new SequenceSampler(p, NoEos);
        var counts = new int[logits.Length];
        var work = new float[logits.Length];
        for (int i = 0; i < Draws; i++)
        {
            logits.CopyTo(work, 0);
            counts[sampler.Sample(work, []).TokenId]++;
        }
        return counts;
    }

    private static int[] Sequence(float[] logits, long? seed)
    {
        var sampler = new SequenceSampler(new SamplingParams { Seed = seed, TopP = 0.95f }, NoEos);
        return Enumerable.Range(0, 100).Select(_ => sampler.Sample((float[])logits.Clone(), []).TokenId).ToArray();
    }
}
