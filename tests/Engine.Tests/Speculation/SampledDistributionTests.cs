using Engine.Core;
using Engine.Sampling;
using Engine.Tests.Core;
using Engine.Tests.Sampling;

namespace Engine.Tests.Speculation;

/// <summary>
/// Rejection sampling keeps the target distribution: the joint distribution of the first three sampled tokens (top-k 4
/// of a random model, so 64 outcomes) over many seeded requests with n-gram or draft-model speculation matches the exact probabilities
/// of the naive reference forward, by a chi-square test. The prompt holds the likely first tokens, so prompt lookup
/// proposes a draft for the second token (as the greedy draft model always does), which is then accepted (the third token comes from the draft's verification
/// row) or rejected (the second token comes from the distribution without the draft).
/// </summary>
public sealed class SampledDistributionTests : IDisposable
{
    private const int TopK = 4, Draws = 6000, Vocab = 512;
    // A flatter distribution than the model's own, so drafts are rejected often too.
    private const float Temperature = 3f;
    private readonly TinyModel _tiny = TinyModel.Create(vocab: Vocab, seed: 5).WithTokenizerOf(TestData.Stories260K);

    public void Dispose() => _tiny.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FirstThreeSampledTokens_FollowTheTargetDistribution(bool draftModel)
    {
        // Each likely first token appears in the prompt followed by another one, so prompt lookup has a draft after it.
        int[] prompt = [7, 9];
        for (int i = 0; i < 4; i++)
        {
            var top = Likely(TopKProbabilities(prompt));
            prompt = [.. top.SelectMany((t, j) => new[] { t, top[(j + 1) % top.Length] }), 7, 9];
        }
        var expected = new Dictionary<(int, int, int), double>();
        var first = TopKProbabilities(prompt);
        foreach (int a in Likely(first))
        {
            var second = TopKProbabilities([.. prompt, a]);
            foreach (int b in Likely(second))
            {
                var third = TopKProbabilities([.. prompt, a, b]);
                foreach (int c in Likely(third)) expected[(a, b, c)] = first[a] * second[b] * third[c];
            }
        }

        using var engine = new LlmEngine(new EngineOptions
        {
            Model = _tiny.Directory, MaxNumSeqs = 64, MaxNumBatchedTokens = 256, MaxNumQueuedRequests = Draws,
            SpeculativeConfig = draftModel
                ? SpeculationRun.DraftModel(_tiny.Directory)   // the target as its own greedy draft: its argmax, accepted with p(argmax)
                : SpeculationRun.Ngram(k: 4) with { PromptLookupMin = 1, PromptLookupMax = 1 },
        });
        var sampling = new SamplingParams { Temperature = Temperature, TopK = TopK, MaxTokens = 3 };
        var outputs = await Task.WhenAll(Enumerable.Range(0, Draws)
            .Select(i => EngineRun.Collect(engine.Add($"r{i}", prompt, sampling with { Seed = i }), TimeSpan.FromMinutes(2))));
        var outcomes = expected.Keys.ToList();
        var counts = new int[outcomes.Count];
        foreach (var ids in outputs)
        {
            int outcome = outcomes.IndexOf((ids[0], ids[1], ids[2]));
            Assert.True(outcome >= 0, $"{string.Join(", ", ids)} is impossible: the target samples from its top {TopK} only");
            counts[outcome]++;
        }

        var (chi, df) = NaiveSampling.ChiSquare(counts, [.. outcomes.Select(o => expected[o])], Draws);
        Assert.True(chi < NaiveSampling.ChiSquareLimit(df), $"chi-square {chi:F1} with {df} degrees of freedom");
        var stats = engine.Statistics;
        Assert.True(stats.Drafts > Draws / 2, $"only {stats.Drafts} of {Draws} requests had a draft");
        Assert.InRange(stats.AcceptedDraftTokens, stats.DraftTokens / 5, stats.DraftTokens * 4 / 5);
        SpeculationRun.AssertIdle(engine);
    }

    private static int[] Likely(double[] probabilities) => [.. Enumerable.Range(0, Vocab).Where(t => probabilities[t] > 0)];

    /// <summary>The target's next-token distribution after <paramref name="tokens"/>: softmax of the reference logits over the
    /// top k at the temperature.</summary>
    private double[] TopKProbabilities(int[] tokens)
    {
        var logits = NaiveLlama.Forward(_tiny, tokens)[^1];
        double kth = logits.OrderDescending().ElementAt(TopK - 1), max = logits.Max();
        var weights = logits.Select(l => l >= kth ? Math.Exp((l - max) / Temperature) : 0).ToArray();
        double sum = weights.Sum();
        return [.. weights.Select(w => w / sum)];
    }
}
