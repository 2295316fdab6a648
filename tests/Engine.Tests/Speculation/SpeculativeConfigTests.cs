using Engine.Speculation;

namespace Engine.Tests.Speculation;

/// <summary>--speculative-config is read as vLLM reads it, and everything else in it is refused with a message naming it.</summary>
public class SpeculativeConfigTests
{
    [Fact]
    public void Ngram_ReadsItsKeys()
    {
        var config = SpeculativeConfig.Parse("""{"method":"ngram","num_speculative_tokens":4,"prompt_lookup_max":3,"prompt_lookup_min":2}""");
        Assert.Equal(new SpeculativeConfig { Method = SpeculativeMethod.Ngram, NumSpeculativeTokens = 4, PromptLookupMax = 3, PromptLookupMin = 2 }, config);
    }

    [Theory]
    [InlineData("""{"method":"ngram","num_speculative_tokens":2}""", 5, 5)]
    [InlineData("""{"method":"ngram","num_speculative_tokens":2,"prompt_lookup_max":3}""", 3, 3)]
    [InlineData("""{"method":"ngram","num_speculative_tokens":2,"prompt_lookup_min":2}""", 2, 2)]
    public void Ngram_LookupDefaultsAsVllm(string json, int max, int min)
    {
        var config = SpeculativeConfig.Parse(json);
        Assert.Equal((max, min), (config.PromptLookupMax, config.PromptLookupMin));
    }

    [Fact]
    public void AModel_MeansADraftModel()
    {
        var config = SpeculativeConfig.Parse("""{"model":"/models/draft","num_speculative_tokens":3}""");
        Assert.Equal((SpeculativeMethod.DraftModel, "/models/draft", 3), (config.Method, config.Model, config.NumSpeculativeTokens));
    }

    [Theory]
    [InlineData("""{"method":"ngram","num_speculative_tokens":2,"draft_tensor_parallel_size":1}""", "unknown key 'draft_tensor_parallel_size'")]
    [InlineData("""{"method":"ngram","num_speculative_tokens":2,"a":1,"b":2}""", "unknown keys 'a', 'b'")]
    [InlineData("""{"method":"ngram"}""", "needs num_speculative_tokens")]
    [InlineData("""{"method":"ngram","num_speculative_tokens":0}""", "num_speculative_tokens 0: expected 1 to 32")]
    [InlineData("""{"method":"ngram","num_speculative_tokens":33}""", "num_speculative_tokens 33: expected 1 to 32")]
    [InlineData("""{"method":"ngram","num_speculative_tokens":"4"}""", "num_speculative_tokens \"4\": expected an integer")]
    [InlineData("""{"method":"ngram","num_speculative_tokens":2,"prompt_lookup_min":0}""", "prompt_lookup_min 0: expected at least 1")]
    [InlineData("""{"method":"ngram","num_speculative_tokens":2,"prompt_lookup_max":2,"prompt_lookup_min":3}""", "prompt_lookup_max 2 below prompt_lookup_min 3")]
    [InlineData("""{"method":"ngram","num_speculative_tokens":2,"model":"x"}""", "with method ngram")]
    [InlineData("""{"method":"eagle","num_speculative_tokens":2}""", "method 'eagle': expected ngram or draft_model")]
    [InlineData("""{"num_speculative_tokens":2}""", "needs \"method\":\"ngram\" or a draft \"model\"")]
    [InlineData("""{"method":"draft_model","num_speculative_tokens":2}""", "needs the draft \"model\"")]
    [InlineData("""{"model":"x","num_speculative_tokens":2,"prompt_lookup_max":3}""", "only method ngram uses")]
    [InlineData("""[1]""", "must be a JSON object")]
    [InlineData("""{"method":""", "is not valid JSON")]
    public void BadConfig_IsRefusedNamingTheProblem(string json, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => SpeculativeConfig.Parse(json));
        Assert.StartsWith("--speculative-config ", error.Message);
        Assert.Contains(message, error.Message);
    }
}
