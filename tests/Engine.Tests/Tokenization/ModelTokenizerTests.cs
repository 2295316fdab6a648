using System.Text.Json;
using Engine.Tokenization;

namespace Engine.Tests.Tokenization;

/// <summary>The tokenizers of the test models: special tokens, BOS, and the llama2.c reference for stories260K.</summary>
public class ModelTokenizerTests
{
    [Fact]
    public void Stories260K_adds_bos_and_encodes_like_sentencepiece()
    {
        var tokenizer = TokenizerCases.Tokenizer("models", "stories260K");

        Assert.Equal([1, 403, 407, 261, 378], tokenizer.Encode("Once upon a time"));
        Assert.Equal((512, 1, "<s>", "</s>", true), (tokenizer.VocabSize, tokenizer.BosTokenId, tokenizer.BosToken, tokenizer.EosToken, tokenizer.AddBosToken));
        Assert.Equal([2], tokenizer.EosTokenIds);
    }

    public static TheoryData<int> ReferenceCases() => [0, 1, 2];

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void Stories260K_matches_the_llama2c_reference(int index)
    {
        var tokenizer = TokenizerCases.Tokenizer("models", "stories260K");
        var c = JsonDocument.Parse(File.ReadAllBytes(TestData.Path("models", "stories260K", "reference-greedy.json")))
            .RootElement.GetProperty("cases")[index];
        int[] Ids(string name) => [.. c.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];
        int[] prompt = Ids("prompt_token_ids"), greedy = Ids("greedy_token_ids");
        var greedyText = c.GetProperty("greedy_text").GetString()!;

        Assert.Equal(prompt, tokenizer.Encode(c.GetProperty("prompt").GetString()!));
        Assert.Equal(greedyText, tokenizer.Decode(greedy));

        // Streamed after its prompt, the continuation keeps the space that separates it from the prompt.
        var detokenizer = new IncrementalDetokenizer(tokenizer, prompt);
        var stream = string.Concat(greedy.Select(detokenizer.Add)) + detokenizer.Flush();
        Assert.Equal(tokenizer.Decode([.. prompt, .. greedy])[tokenizer.Decode(prompt).Length..], stream);
        Assert.Equal(greedyText, stream.TrimStart(' '));
    }

    [Fact]
    public void Llama3_prepends_bos_and_reads_special_tokens_in_text_as_one_id()
    {
        var tokenizer = TokenizerCases.Tokenizer("models", "bench-1b");

        Assert.Equal((128000, "<|begin_of_text|>", true), (tokenizer.BosTokenId, tokenizer.BosToken, tokenizer.AddBosToken));
        Assert.Equal(("<|end_of_text|>", 128001), (tokenizer.EosToken, tokenizer.EosTokenIds.Single()));
        Assert.Equal([128000, 9906, 1917], tokenizer.Encode("Hello world"));
        Assert.Equal([9906, 1917], tokenizer.Encode("Hello world", addSpecialTokens: false));

        var ids = tokenizer.Encode("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", addSpecialTokens: false);
        Assert.Equal([128006, 882, 128007, 271, 13347, 128009], ids);
        Assert.True(tokenizer.IsSpecial(128009));
        Assert.Equal("user\n\nHi", tokenizer.Decode(ids));
        Assert.Equal("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", tokenizer.Decode(ids, skipSpecialTokens: false));
        Assert.Equal((128009, "<|eot_id|>", "Ġworld"), (tokenizer.TokenToId("<|eot_id|>"), tokenizer.IdToToken(128009), tokenizer.IdToToken(1917)));
        Assert.Equal(128256, tokenizer.VocabSize);
    }

    [Fact]
    public void Qwen3_has_no_bos_and_keeps_non_special_added_tokens_when_decoding()
    {
        var tokenizer = TokenizerCases.Tokenizer("tokenizers", "qwen3");

        Assert.Equal((null, null, false), (tokenizer.BosTokenId, tokenizer.BosToken, tokenizer.AddBosToken));
        Assert.Equal([151645], tokenizer.EosTokenIds);
        Assert.Equal([9707], tokenizer.Encode("Hello"));

        var ids = tokenizer.Encode("<|im_start|>assistant\n<think>\nok</think>", addSpecialTokens: false);
        Assert.Equal(151644, ids[0]);
        Assert.Contains(151667, ids);
        Assert.False(tokenizer.IsSpecial(151667));
        Assert.Equal("assistant\n<think>\nok</think>", tokenizer.Decode(ids));
    }
}
