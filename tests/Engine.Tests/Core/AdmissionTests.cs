using Engine.Core;
using Engine.Sampling;

namespace Engine.Tests.Core;

/// <summary>The engine's own rules for what it accepts: requests that can never run, the default backend, the served name.</summary>
public class AdmissionTests
{
    [Fact]
    public void Add_RefusesWhatCanNeverRun_NamingTheParameter()
    {
        using var engine = new LlmEngine(EngineRun.Options(o => o with { MaxModelLen = 64 }));
        var prompt = EngineRun.References[0].PromptTokenIds;

        Assert.Equal("prompt", Assert.Throws<ArgumentException>(() => engine.Add("empty", [], EngineRun.Greedy(4))).ParamName);
        Assert.Equal("prompt", Assert.Throws<ArgumentException>(() => engine.Add("vocab", [1, engine.Config.VocabSize], EngineRun.Greedy(4))).ParamName);
        var tooLong = Assert.Throws<ArgumentException>(() => engine.Add("long", prompt, EngineRun.Greedy(64)));
        Assert.Equal(nameof(SamplingParams.MaxTokens), tooLong.ParamName);
        Assert.StartsWith("This model's maximum context length is 64 tokens.", tooLong.Message);
        var sampling = Assert.Throws<ArgumentException>(() => engine.Add("top_p", prompt, new SamplingParams { TopP = 2f }));
        Assert.Equal(nameof(SamplingParams.TopP), sampling.ParamName);
        Assert.Equal(0, engine.Snapshot().Waiting);
    }

    [Fact]
    public void WithoutABackend_OnlyTheCpuDeviceRuns()
    {
        var options = EngineRun.Options(o => o with { Device = "cuda" });
        var error = Assert.Throws<ArgumentException>(() => new LlmEngine(options));
        Assert.Contains("--device cuda", error.Message);
    }

    [Theory]
    [InlineData("my-model", "/models/llama", "my-model")]
    [InlineData(null, "/models/llama", "/models/llama")]
    [InlineData("", "org/name", "org/name")]
    [InlineData(null, null, ServedModelName.Embedded)]
    [InlineData("", "", ServedModelName.Embedded)]
    public void ServedModelName_IsTheFlag_ElseTheModelAsGiven_ElseTheEmbeddedOne(string? served, string? model, string expected) =>
        Assert.Equal(expected, ServedModelName.Resolve(served, model));
}
