using Engine.Sampling;

namespace Engine.Tests.Sampling;

/// <summary>Logprobs are log_softmax of the raw logits, whatever processing the draw used.</summary>
public class LogprobsTests
{
    [Theory]
    [InlineData(0f)]
    [InlineData(0.7f)]
    public void Logprobs_AreRawLogSoftmax_TopSortedDescending(float temperature)
    {
        var rng = new Random(17);
        var p = new SamplingParams
        {
            Temperature = temperature, TopK = 20, TopP = 0.9f, RepetitionPenalty = 1.5f, FrequencyPenalty = 1f,
            LogitBias = new Dictionary<int, float> { [3] = 5f }, Logprobs = 5, Seed = 3,
        };
        var sampler = new SequenceSampler(p, []);
        int[] prompt = [1, 2, 3, 4];
        for (int step = 0; step < 20; step++)
        {
            var raw = NaiveSampling.RandomLogits(rng, 1000, 3.0, step % 4 == 0 ? 0.5 : 0);
            var expected = NaiveSampling.LogSoftmax(raw);
            var result = sampler.Sample((float[])raw.Clone(), prompt);
            sampler.Accept(result.TokenId);

            Assert.Equal(expected[result.TokenId], result.Logprob, 1e-4);
            var top = Assert.IsAssignableFrom<IReadOnlyList<TokenLogprob>>(result.TopLogprobs);
            var expectedTop = Enumerable.Range(0, raw.Length).OrderByDescending(i => raw[i]).ThenBy(i => i).Take(5).ToArray();
            Assert.Equal(expectedTop, top.Select(t => t.TokenId).ToArray());
            foreach (var t in top) Assert.Equal(expected[t.TokenId], t.Logprob, 1e-4);
            for (int i = 1; i < top.Count; i++) Assert.True(top[i - 1].Logprob >= top[i].Logprob);
        }
    }

    [Fact]
    public void NoLogprobsRequested_GivesNullTop_AndNaN()
    {
        var result = new SequenceSampler(new SamplingParams { Seed = 1 }, []).Sample(new float[] { 1f, 2f, 3f }, []);
        Assert.Null(result.TopLogprobs);
        Assert.True(float.IsNaN(result.Logprob));
    }

    [Fact]
    public void ZeroLogprobs_GivesSampledTokenOnly()
    {
        float[] raw = [1f, 2f, 3f];
        var result = new SequenceSampler(SamplingParams.Greedy(1) with { Logprobs = 0 }, []).Sample((float[])raw.Clone(), []);
        Assert.Equal(2, result.TokenId);
        Assert.Empty(result.TopLogprobs!);
        Assert.Equal(NaiveSampling.LogSoftmax(raw)[2], result.Logprob, 1e-5);
    }
}
