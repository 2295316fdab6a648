using Engine.Sampling;

namespace Engine.Tests.Sampling;

public class SamplingParamsTests
{
    private const int Vocab = 100;

    [Fact]
    public void Defaults_AreVllmDefaults_AndValid()
    {
        var p = new SamplingParams();
        Assert.Equal(1f, p.Temperature);
        Assert.Equal(1f, p.TopP);
        Assert.Equal(0, p.TopK);
        Assert.Equal(0f, p.MinP);
        Assert.Equal(1f, p.RepetitionPenalty);
        Assert.Equal(16, p.MaxTokens);
        Assert.Null(p.Logprobs);
        Assert.Empty(p.StopTokenIds);
        Assert.False(p.IsGreedy);
        p.Validate(Vocab);
    }

    [Fact]
    public void Greedy_IsTemperatureZero()
    {
        var p = SamplingParams.Greedy(7);
        Assert.Equal(0f, p.Temperature);
        Assert.Equal(7, p.MaxTokens);
        Assert.True(p.IsGreedy);
        p.Validate(Vocab);
    }

    [Fact]
    public void EdgeValues_AreAccepted()
    {
        new SamplingParams
        {
            Temperature = 0f, TopP = 1f, TopK = -1, MinP = 1f, RepetitionPenalty = 0.01f,
            PresencePenalty = -2f, FrequencyPenalty = 2f, MaxTokens = 1, MinTokens = 1,
            StopTokenIds = [0, Vocab - 1], LogitBias = new Dictionary<int, float> { [0] = -100f, [Vocab - 1] = 100f },
            Logprobs = 0, Seed = long.MinValue,
        }.Validate(Vocab);
        new SamplingParams { TopP = 1e-6f, TopK = Vocab * 10, Logprobs = Vocab }.Validate(Vocab);
    }

    [Theory]
    [InlineData("top_p=2", nameof(SamplingParams.TopP))]
    [InlineData("top_p=0", nameof(SamplingParams.TopP))]
    [InlineData("top_p=NaN", nameof(SamplingParams.TopP))]
    [InlineData("temperature<0", nameof(SamplingParams.Temperature))]
    [InlineData("temperature=inf", nameof(SamplingParams.Temperature))]
    [InlineData("top_k=-2", nameof(SamplingParams.TopK))]
    [InlineData("min_p>1", nameof(SamplingParams.MinP))]
    [InlineData("min_p<0", nameof(SamplingParams.MinP))]
    [InlineData("repetition_penalty=0", nameof(SamplingParams.RepetitionPenalty))]
    [InlineData("presence_penalty=2.5", nameof(SamplingParams.PresencePenalty))]
    [InlineData("frequency_penalty=-3", nameof(SamplingParams.FrequencyPenalty))]
    [InlineData("max_tokens=0", nameof(SamplingParams.MaxTokens))]
    [InlineData("min_tokens<0", nameof(SamplingParams.MinTokens))]
    [InlineData("min_tokens>max_tokens", nameof(SamplingParams.MinTokens))]
    [InlineData("stop_token_ids out of vocab", nameof(SamplingParams.StopTokenIds))]
    [InlineData("logit_bias id out of vocab", nameof(SamplingParams.LogitBias))]
    [InlineData("logit_bias NaN", nameof(SamplingParams.LogitBias))]
    [InlineData("logprobs<0", nameof(SamplingParams.Logprobs))]
    [InlineData("logprobs>vocab", nameof(SamplingParams.Logprobs))]
    public void Validate_RejectsOutOfRange_NamingTheParameter(string name, string parameter)
    {
        SamplingParams p = name switch
        {
            "top_p=2" => new() { TopP = 2f },
            "top_p=0" => new() { TopP = 0f },
            "top_p=NaN" => new() { TopP = float.NaN },
            "temperature<0" => new() { Temperature = -0.1f },
            "temperature=inf" => new() { Temperature = float.PositiveInfinity },
            "top_k=-2" => new() { TopK = -2 },
            "min_p>1" => new() { MinP = 1.01f },
            "min_p<0" => new() { MinP = -0.01f },
            "repetition_penalty=0" => new() { RepetitionPenalty = 0f },
            "presence_penalty=2.5" => new() { PresencePenalty = 2.5f },
            "frequency_penalty=-3" => new() { FrequencyPenalty = -3f },
            "max_tokens=0" => new() { MaxTokens = 0 },
            "min_tokens<0" => new() { MinTokens = -1 },
            "min_tokens>max_tokens" => new() { MaxTokens = 4, MinTokens = 5 },
            "stop_token_ids out of vocab" => new() { StopTokenIds = [3, Vocab] },
            "logit_bias id out of vocab" => new() { LogitBias = new Dictionary<int, float> { [-1] = 1f } },
            "logit_bias NaN" => new() { LogitBias = new Dictionary<int, float> { [1] = float.NaN } },
            "logprobs<0" => new() { Logprobs = -1 },
            "logprobs>vocab" => new() { Logprobs = Vocab + 1 },
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var e = Assert.Throws<ArgumentException>(() => p.Validate(Vocab));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(parameter, e.Message);
    }
}
