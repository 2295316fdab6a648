using Engine.Sampling;

namespace Engine.Tests.Sampling;

/// <summary>Penalties, logit bias and min_tokens, against hand-computed values.</summary>
public class LogitProcessingTests
{
    private static readonly float[] Logits = [2.0f, -1.0f, 0.5f, 3.0f, -2.0f, 0.0f];
    private static readonly int[] Prompt = [0, 1, 1];
    private static readonly int[] Outputs = [3, 3, 4];

    [Fact]
    public void RepetitionPenalty_DividesPositive_MultipliesNegative_OncePerDistinctPromptOrOutputToken()
    {
        // Seen: 0, 1 (twice in the prompt), 3, 4. 2.0/2, -1*2, 3/2, -2*2; 0.5 and 0.0 untouched.
        var actual = Process(new SamplingParams { RepetitionPenalty = 2f });
        Assert.Equal([1.0f, -2.0f, 0.5f, 1.5f, -4.0f, 0.0f], actual);
    }

    [Fact]
    public void RepetitionPenalty_OfZeroLogit_StaysZero_AndOutputTokenInPromptIsPenalizedOnce()
    {
        var sampler = new SequenceSampler(new SamplingParams { RepetitionPenalty = 3f }, []);
        sampler.Accept(0);
        sampler.Accept(5);
        var logits = (float[])Logits.Clone();
        sampler.ProcessLogits(logits, Prompt);
        Assert.Equal([2.0f / 3f, -3.0f, 0.5f, 3.0f, -2.0f, 0.0f], logits);
    }

    [Fact]
    public void PresenceAndFrequency_ApplyToOutputTokensOnly()
    {
        // Token 3 generated twice, token 4 once; prompt tokens untouched.
        var actual = Process(new SamplingParams { PresencePenalty = 0.5f, FrequencyPenalty = 0.25f });
        Assert.Equal([2.0f, -1.0f, 0.5f, 3.0f - 0.5f - 2 * 0.25f, -2.0f - 0.5f - 0.25f, 0.0f], actual);

        actual = Process(new SamplingParams { PresencePenalty = -1f });
        Assert.Equal([2.0f, -1.0f, 0.5f, 4.0f, -1.0f, 0.0f], actual);
    }

    [Fact]
    public void AllTogether_RepetitionThenPresenceFrequencyThenBias()
    {
        var actual = Process(new SamplingParams
        {
            RepetitionPenalty = 2f, PresencePenalty = 0.5f, FrequencyPenalty = 0.25f,
            LogitBias = new Dictionary<int, float> { [2] = 1f, [5] = -3f, [3] = 0.5f },
        });
        // 3: 3/2 - (0.5 + 2*0.25) + 0.5 = 1.0; 4: -2*2 - 0.75 = -4.75.
        Assert.Equal([1.0f, -2.0f, 1.5f, 1.0f, -4.75f, -3.0f], actual);
    }

    [Fact]
    public void MinTokens_MasksEosAndStopIds_UntilReached()
    {
        var p = new SamplingParams { MinTokens = 2, StopTokenIds = [4] };
        var sampler = new SequenceSampler(p, [5]);
        for (int generated = 0; generated < 3; generated++)
        {
            var logits = (float[])Logits.Clone();
            sampler.ProcessLogits(logits, Prompt);
            bool masked = generated < 2;
            Assert.Equal(masked ? float.NegativeInfinity : -2.0f, logits[4]);
            Assert.Equal(masked ? float.NegativeInfinity : 0.0f, logits[5]);
            Assert.Equal(3.0f, logits[3]);
            sampler.Accept(3);
        }
    }

    [Fact]
    public void MinTokens_WithIgnoreEos_MasksOnlyStopIds()
    {
        var sampler = new SequenceSampler(new SamplingParams { MinTokens = 1, StopTokenIds = [4], IgnoreEos = true }, [5]);
        var logits = (float[])Logits.Clone();
        sampler.ProcessLogits(logits, Prompt);
        Assert.Equal(float.NegativeInfinity, logits[4]);
        Assert.Equal(0.0f, logits[5]);
    }

    [Fact]
    public void MinTokens_KeepsGreedyAwayFromEos()
    {
        float[] logits = [0f, 1f, 5f, 4f]; // EOS (2) and stop id (3) are the two best
        var sampler = new SequenceSampler(SamplingParams.Greedy(10) with { MinTokens = 2, StopTokenIds = [3] }, [2]);
        var tokens = new List<int>();
        for (int i = 0; i < 3; i++)
        {
            int t = sampler.Sample((float[])logits.Clone(), []).TokenId;
            tokens.Add(t);
            sampler.Accept(t);
        }
        Assert.Equal([1, 1, 2], tokens);
        Assert.Equal(3, sampler.GeneratedCount);
    }

    [Fact]
    public void PromptChange_RebuildsTheRepetitionSet()
    {
        var sampler = new SequenceSampler(new SamplingParams { RepetitionPenalty = 2f }, []);
        var logits = (float[])Logits.Clone();
        sampler.ProcessLogits(logits, [0]);
        Assert.Equal(1.0f, logits[0]);
        logits = (float[])Logits.Clone();
        sampler.ProcessLogits(logits, [3]);
        Assert.Equal([2.0f, -1.0f, 0.5f, 1.5f, -2.0f, 0.0f], logits);
    }

    private static float[] Process(SamplingParams p)
    {
        var sampler = new SequenceSampler(p, []);
        foreach (int t in Outputs) sampler.Accept(t);
        var logits = (float[])Logits.Clone();
        sampler.ProcessLogits(logits, Prompt);
        return logits;
    }
}
