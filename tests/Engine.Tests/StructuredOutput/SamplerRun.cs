using System.Text;
using Engine.Sampling;
using Engine.StructuredOutput;

namespace Engine.Tests.StructuredOutput;

/// <summary>
/// Generates with the real <see cref="SequenceSampler"/> but random logits instead of a model: the sampler's mask,
/// end-of-sequence rule and max_tokens budget decide everything a model would not. The result is the text the
/// tokens spell and whether it ended with end-of-sequence.
/// </summary>
public static class SamplerRun
{
    public static (string Text, bool Stopped, int Tokens) Generate(string vocabularyName, CompiledGrammar grammar, int seed, int maxTokens = 200, float temperature = 1f)
    {
        var (tokenizer, vocabulary) = Vocabularies.Get(vocabularyName);
        int[] eos = [.. tokenizer.EosTokenIds];
        var sampler = new SequenceSampler(new SamplingParams { Temperature = temperature, MaxTokens = maxTokens, Seed = seed, StructuredOutput = grammar }, eos);
        var random = new Random(seed);
        // One random logit vector, rotated each step: cheap, and every token gets every score over a run.
        var scores = new float[vocabulary.Size];
        for (int i = 0; i < scores.Length; i++) scores[i] = 4f * (float)random.NextDouble();
        var logits = new float[vocabulary.Size];
        var bytes = new List<byte>();
        for (int step = 0; step < maxTokens; step++)
        {
            int shift = random.Next(scores.Length);
            scores.AsSpan(shift).CopyTo(logits);
            scores.AsSpan(0, shift).CopyTo(logits.AsSpan(scores.Length - shift));
            int token = sampler.Sample(logits, [1]).TokenId;
            sampler.Accept(token);
            if (eos.Contains(token)) return (Encoding.UTF8.GetString([.. bytes]), true, step + 1);
            bytes.AddRange(tokenizer.TokenBytes(token));
        }
        return (Encoding.UTF8.GetString([.. bytes]), false, maxTokens);
    }
}
