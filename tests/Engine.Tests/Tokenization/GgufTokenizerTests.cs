using System.Collections.Concurrent;
using System.Text.Json;
using Engine.Loading.Gguf;
using Engine.Tokenization;

namespace Engine.Tests.Tokenization;

/// <summary>
/// Tokenizers read from GGUF metadata, for GGUFs written here from the Hugging Face files the way llama.cpp's
/// converter writes them (SentencePiece: tokens, scores, token types; byte-level BPE: tokens, merges, control and
/// user-defined types for added tokens, tokenizer.ggml.pre), encode every conformance case exactly as the HF files
/// do, decode back the same, and carry the same BOS/EOS and chat template.
/// </summary>
public sealed class GgufTokenizerTests
{
    private static readonly ConcurrentDictionary<string, Lazy<(ITextTokenizer Tokenizer, string? Template)>> Loaded = new();

    private static (ITextTokenizer Tokenizer, string? Template) FromGguf(string folder) => Loaded.GetOrAdd(folder, f => new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"tokenizer-{f}-{Guid.NewGuid():N}.gguf");
        try
        {
            Writer(f).Write(path);
            using var file = new GgufFile(path);
            return (GgufTokenizerLoader.Load(file), GgufTokenizerLoader.ChatTemplate(file));
        }
        finally
        {
            File.Delete(path);
        }
    })).Value;

    [Theory]
    [MemberData(nameof(TokenizerCases.All), MemberType = typeof(TokenizerCases))]
    public void EncodesLikeTheHuggingFaceFiles(string folder, int index, string preview)
    {
        var (text, expected) = TokenizerCases.Case(folder, index);
        var tokenizer = FromGguf(folder).Tokenizer;
        Assert.True(expected.SequenceEqual(tokenizer.Encode(text, addSpecialTokens: false)), $"{folder} case {index} ({preview})");
        var hf = TokenizerCases.Tokenizer("tokenizers", folder);
        Assert.Equal(hf.Decode(expected), tokenizer.Decode(expected));
    }

    [Theory]
    [InlineData("llama2-spm")]
    [InlineData("llama3")]
    [InlineData("qwen3")]
    public void SpecialTokensAndChatTemplate_MatchTheHuggingFaceFiles(string folder)
    {
        var (tokenizer, template) = FromGguf(folder);
        var hf = TokenizerCases.Tokenizer("tokenizers", folder);
        Assert.Equal(hf.BosTokenId, tokenizer.BosTokenId);
        Assert.Equal(hf.EosTokenIds, tokenizer.EosTokenIds);
        Assert.Equal(hf.AddBosToken, tokenizer.AddBosToken);
        Assert.Equal(hf.Encode("Hello world"), tokenizer.Encode("Hello world"));
        Assert.Equal(TokenizerLoader.ChatTemplate(TestData.Path("tokenizers", folder)), template);
    }

    [Fact]
    public void UnknownPreTokenizer_IsAClearError()
    {
        var writer = new GgufWriter().Add("tokenizer.ggml.model", "gpt2").Add("tokenizer.ggml.pre", "klingon")
            .Add("tokenizer.ggml.tokens", new[] { "a" }).Add("tokenizer.ggml.merges", Array.Empty<string>());
        var path = Path.Combine(Path.GetTempPath(), $"tokenizer-bad-{Guid.NewGuid():N}.gguf");
        writer.Write(path);
        try
        {
            using var file = new GgufFile(path);
            Assert.Contains("pre-tokenizer 'klingon' is not supported", Assert.Throws<NotSupportedException>(() => GgufTokenizerLoader.Load(file)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>What llama.cpp's convert_hf_to_gguf.py stores for each tokenizer.</summary>
    private static GgufWriter Writer(string folder)
    {
        var directory = TestData.Path("tokenizers", folder);
        var writer = new GgufWriter();
        if (folder == "llama2-spm")
        {
            var proto = SentencePieceModelProto.Read(Path.Combine(directory, "tokenizer.model"));
            return writer.Add("tokenizer.ggml.model", "llama")
                .Add("tokenizer.ggml.tokens", proto.Pieces.Select(p => p.Text).ToArray())
                .Add("tokenizer.ggml.scores", proto.Pieces.Select(p => p.Score).ToArray())
                .Add("tokenizer.ggml.token_type", proto.Pieces.Select(p => (int)p.Type).ToArray())
                .Add("tokenizer.ggml.bos_token_id", (uint)proto.BosId)
                .Add("tokenizer.ggml.eos_token_id", (uint)proto.EosId)
                .Add("tokenizer.ggml.unknown_token_id", (uint)proto.UnknownId)
                .Add("tokenizer.ggml.add_bos_token", true);
        }
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "tokenizer.json")));
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "tokenizer_config.json")));
        var model = json.RootElement.GetProperty("model");
        var byId = new Dictionary<int, (string Text, int Type)>();
        foreach (var entry in model.GetProperty("vocab").EnumerateObject()) byId[entry.Value.GetInt32()] = (entry.Name, 1);
        foreach (var added in json.RootElement.GetProperty("added_tokens").EnumerateArray())
            byId[added.GetProperty("id").GetInt32()] = (added.GetProperty("content").GetString()!, added.GetProperty("special").GetBoolean() ? 3 : 4);
        int count = byId.Keys.Max() + 1;
        var tokens = Enumerable.Range(0, count).Select(i => byId.TryGetValue(i, out var t) ? t.Text : $"[PAD{i}]").ToArray();
        var types = Enumerable.Range(0, count).Select(i => byId.TryGetValue(i, out var t) ? t.Type : 5).ToArray();
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.String ? m.GetString()! : m[0].GetString() + " " + m[1].GetString()).ToArray();
        int? Id(string key) => config.RootElement.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? Array.IndexOf(tokens, v.GetString()) : null;
        writer.Add("tokenizer.ggml.model", "gpt2")
            .Add("tokenizer.ggml.pre", folder == "llama3" ? "llama-bpe" : "qwen2")
            .Add("tokenizer.ggml.tokens", tokens)
            .Add("tokenizer.ggml.token_type", types)
            .Add("tokenizer.ggml.merges", merges)
            .Add("tokenizer.ggml.add_bos_token", TokenizerCases.Tokenizer("tokenizers", folder).AddBosToken)
            .Add("tokenizer.chat_template", config.RootElement.GetProperty("chat_template").GetString()!);
        if (Id("bos_token") is int bos and >= 0) writer.Add("tokenizer.ggml.bos_token_id", (uint)bos);
        if (Id("eos_token") is int eos and >= 0) writer.Add("tokenizer.ggml.eos_token_id", (uint)eos);
        return writer;
    }
}
