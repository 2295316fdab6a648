using System.Collections.Concurrent;
using Engine.StructuredOutput.Matching;
using Engine.Tests.Tokenization;
using Engine.Tokenization;

namespace Engine.Tests.StructuredOutput;

/// <summary>The vocabularies structured outputs are tested with: stories260K (SentencePiece with byte fallback, 512),
/// Llama 3 (byte-level BPE, 128256) and Qwen3 (byte-level BPE, 151669 + padding to 151936, as its config has it).</summary>
public static class Vocabularies
{
    public static readonly string[] Names = ["stories260K", "llama3", "qwen3"];

    private static readonly ConcurrentDictionary<string, Lazy<(ITextTokenizer, TokenVocabulary)>> Cache = new();

    public static (ITextTokenizer Tokenizer, TokenVocabulary Vocabulary) Get(string name) => Cache.GetOrAdd(name, n => new(() =>
    {
        var tokenizer = n == "stories260K" ? TokenizerCases.Tokenizer("models", "stories260K") : TokenizerCases.Tokenizer("tokenizers", n);
        int size = n switch { "stories260K" => 512, "llama3" => 128256, _ => 151936 };
        return (tokenizer, TokenVocabulary.Build(tokenizer, size));
    })).Value;
}
