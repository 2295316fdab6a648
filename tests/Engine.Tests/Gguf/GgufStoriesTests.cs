using Engine.Backends.Cpu;
using Engine.Models;
using Engine.Tests.Models;

namespace Engine.Tests.Gguf;

/// <summary>stories260K.gguf (F32, Q/K rows in llama.cpp's permuted order, tokenizer in its metadata) reproduces
/// llama2.c's greedy continuations, and its GGUF tokenizer encodes the prompts as sentencepiece did.</summary>
public sealed class GgufStoriesTests
{
    private static string GgufPath => TestData.Path("models", "stories260K-gguf", "stories260K.gguf");

    public static IEnumerable<object[]> Cases() => ReferenceCase.LoadAll().Select(c => new object[] { c.Prompt });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Greedy_MatchesLlama2c(string prompt)
    {
        var c = ReferenceCase.LoadAll().Single(x => x.Prompt == prompt);
        using var backend = new CpuBackend();
        var model = ModelLoader.Load(GgufPath, backend, null, false, 512, 512, 4);
        Assert.Equal(c.GreedyTokenIds, GreedyProbe.Generate(model, backend, c.PromptTokenIds, c.GreedyTokenIds.Count));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tokenizer_EncodesPromptAsSentencePieceDid(string prompt)
    {
        var c = ReferenceCase.LoadAll().Single(x => x.Prompt == prompt);
        using var source = ModelSource.Open(GgufPath);
        Assert.Equal(c.PromptTokenIds, source.Tokenizer.Encode(prompt));
        Assert.Equal(c.GreedyText, source.Tokenizer.Decode(c.GreedyTokenIds));
    }
}
