using Engine.Core;
using Engine.Sampling;
using Engine.Tests.Core;

namespace Engine.Tests.Models;

/// <summary>Long, unusual contexts make attention scores large: the softmax must stay finite (it subtracts the
/// maximum score), so the logits never turn into NaN.</summary>
public class LongContextTests
{
    [Theory]
    [InlineData(380)]
    [InlineData(450)]
    [InlineData(500)]
    public async Task RandomLongPrompt_GivesFiniteLogprobs(int length)
    {
        using var engine = new LlmEngine(EngineRun.Options());
        var random = new Random(1);
        foreach (int _ in Enumerable.Range(0, 4))
        {
            int[] prompt = [1, .. Enumerable.Range(0, length - 1).Select(_ => random.Next(3, 512))];
            var seq = engine.Add("long", prompt, new SamplingParams { Temperature = 0, MaxTokens = 1, Logprobs = 3 });
            await foreach (var output in seq.Output.Reader.ReadAllAsync())
                Assert.All(output.TopLogprobs!, t => Assert.True(float.IsFinite(t.Logprob), $"logprob {t.Logprob} at length {length}"));
        }
    }
}
