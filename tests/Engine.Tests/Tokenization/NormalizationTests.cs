using Engine.Tokenization;

namespace Engine.Tests.Tokenization;

/// <summary>Qwen's tokenizer.json normalises to NFC: decomposed input must tokenize like the composed text.</summary>
public class NormalizationTests
{
    [Fact]
    public void Qwen_DecomposedText_EncodesLikeComposed()
    {
        var tokenizer = TokenizerLoader.Load(TestData.Path("tokenizers", "qwen3"));
        const string composed = "Của Việt Nam";
        string decomposed = composed.Normalize(System.Text.NormalizationForm.FormD);
        Assert.NotEqual(composed, decomposed);   // fails if ICU is missing (invariant globalization)
        Assert.Equal(tokenizer.Encode(composed, false), tokenizer.Encode(decomposed, false));
    }
}
