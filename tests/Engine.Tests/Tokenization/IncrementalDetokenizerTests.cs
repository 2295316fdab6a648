using Engine.Tokenization;

namespace Engine.Tests.Tokenization;

public class IncrementalDetokenizerTests
{
    public static TheoryData<string, int, string> Cases() => TokenizerCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Streaming_a_whole_case_gives_its_decoding_and_never_half_a_character(string folder, int index, string _)
    {
        var tokenizer = TokenizerCases.Tokenizer("tokenizers", folder);
        var (_, ids) = TokenizerCases.Case(folder, index);
        var full = tokenizer.Decode(ids);

        var chunks = Stream(tokenizer, [], ids);

        Assert.Equal(full, string.Concat(chunks));
        if (!full.Contains('\uFFFD')) Assert.DoesNotContain(chunks, c => c.Contains('\uFFFD'));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Streaming_after_a_prompt_gives_the_text_the_new_tokens_add(string folder, int index, string _)
    {
        var tokenizer = TokenizerCases.Tokenizer("tokenizers", folder);
        var (_, ids) = TokenizerCases.Case(folder, index);
        // Cut where the prompt decodes to whole characters, as a real prompt (encoded text) always does.
        int cut = Enumerable.Range(0, ids.Length / 2 + 1).Reverse().First(n => !tokenizer.Decode(ids[..n]).Contains('\uFFFD'));
        var (prompt, generated) = (ids[..cut], ids[cut..]);

        var stream = string.Concat(Stream(tokenizer, prompt, generated));

        Assert.Equal(tokenizer.Decode(ids)[tokenizer.Decode(prompt).Length..], stream);
    }

    [Fact]
    public void A_sentencepiece_word_streams_without_its_space_at_the_start_and_with_it_later()
    {
        var tokenizer = TokenizerCases.Tokenizer("models", "stories260K");
        var ids = tokenizer.Encode("Once upon", addSpecialTokens: true);

        var detokenizer = new IncrementalDetokenizer(tokenizer, ids.Take(1).ToList());

        Assert.Equal("Once", detokenizer.Add(ids[1]));
        Assert.Equal(" upon", detokenizer.Add(ids[2]));
        Assert.Equal("", detokenizer.Flush());
    }

    [Fact]
    public void Byte_pieces_of_one_character_are_held_back_until_it_is_complete()
    {
        var tokenizer = TokenizerCases.Tokenizer("tokenizers", "llama2-spm");
        var detokenizer = new IncrementalDetokenizer(tokenizer, []);

        // " 🦙" is "▁" then the four byte pieces <0xF0> <0x9F> <0xA6> <0x99>.
        string[] chunks = [.. new[] { 29871, 243, 162, 169, 156 }.Select(detokenizer.Add), detokenizer.Flush()];

        Assert.Equal(["", "", "", "", "🦙", ""], chunks);
    }

    [Fact]
    public void An_incomplete_character_at_the_end_is_flushed_as_the_decoder_renders_it()
    {
        var tokenizer = TokenizerCases.Tokenizer("tokenizers", "llama2-spm");
        var detokenizer = new IncrementalDetokenizer(tokenizer, [15043]);

        Assert.Equal("", detokenizer.Add(243));
        Assert.Equal(tokenizer.Decode([15043, 243])[tokenizer.Decode([15043]).Length..], detokenizer.Flush());
    }

    private static List<string> Stream(ITextTokenizer tokenizer, IReadOnlyList<int> prompt, IEnumerable<int> generated)
    {
        var detokenizer = new IncrementalDetokenizer(tokenizer, prompt);
        return [.. generated.Select(detokenizer.Add), detokenizer.Flush()];
    }
}
