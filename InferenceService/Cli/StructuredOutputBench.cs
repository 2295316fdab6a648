using System.Diagnostics;
using System.Text.Json;
using Engine.Core;
using Engine.Sampling;
using Engine.StructuredOutput;
using Engine.StructuredOutput.Matching;

namespace InferenceService.Cli;

/// <summary>
/// `bench --json-schema FILE`: what a structured output costs. Prints the one-off token trie build, the time to set up
/// a schema never seen before, constrained vs unconstrained decode tok/s at each concurrency (sampled at temperature
/// 1 in the same run, best of the repeats, as a ratio), and the grammar's own cost per token (mask, budget, advance)
/// as a share of a decode step.
/// </summary>
internal static class StructuredOutputBench
{
    /// <summary>Sampling steps over random logits that time the grammar's own work per token.</summary>
    private const int MaskSteps = 400;

    public static async Task RunAsync(LlmEngine engine, string schemaFile, int[] concurrency, Func<int, int[]> prompt,
        int inputLen, int outputLen, int repeats)
    {
        var schema = JsonDocument.Parse(File.ReadAllText(schemaFile)).RootElement;
        var grammar = Grammar.Json(schema);
        var clock = Stopwatch.StartNew();
        var vocabulary = engine.Vocabulary;
        Console.WriteLine($"structured output ({schemaFile}): token trie of the {vocabulary.Size}-token vocabulary built once per engine in " +
            $"{clock.Elapsed.TotalMilliseconds:F0} ms ({vocabulary.NodeCount} nodes)");
        clock.Restart();
        var fresh = GrammarCompiler.Compile(grammar, vocabulary);
        double setup = clock.Elapsed.TotalMilliseconds;
        var compiled = engine.CompileGrammar(grammar);
        Console.WriteLine($"  new schema set-up: {setup:F1} ms ({fresh.RuleCount} rules, {fresh.StateCount} states); a repeated schema is cached by its text");

        // Constrained outputs end with their value (within output-len: the grammar steers to an end in time), so the
        // window in which every sequence decodes ends at the first complete value.
        var plain = new SamplingParams { Temperature = 1, MaxTokens = outputLen, IgnoreEos = true };
        var constrained = new SamplingParams { Temperature = 1, MaxTokens = outputLen, StructuredOutput = compiled };
        var perToken = GrammarCostPerToken(grammar, vocabulary, engine.Config.EosTokenIds);
        foreach (int n in concurrency)
        {
            double bestPlain = 0, bestConstrained = 0;
            for (int r = 0; r < repeats; r++)
            {
                int[][] prompts = [.. Enumerable.Range(0, n).Select(_ => prompt(inputLen))];
                bestPlain = Math.Max(bestPlain, (await BenchCommand.Run(engine, prompts, plain)).DecodeTokensPerSecond);
                bestConstrained = Math.Max(bestConstrained, (await BenchCommand.Run(engine, prompts, constrained)).DecodeTokensPerSecond);
            }
            Console.WriteLine($"  concurrency {n,3}: decode unconstrained {bestPlain,7:F1} tok/s, constrained {bestConstrained,7:F1} tok/s: " +
                $"{bestConstrained / bestPlain:F3}x; grammar cost per token {perToken.Cold:F1} us on a first pass (masks worked out), " +
                $"{perToken.Warm:F1} us cached = {100 * perToken.Cold * 1e-6 * bestPlain:F2} % / {100 * perToken.Warm * 1e-6 * bestPlain:F2} % of a decode step (best of {repeats})");
        }
    }

    /// <summary>Microseconds the grammar adds to sampling one token, over random logits of the vocabulary's size: the
    /// first pass with a fresh compile of the grammar (its states' masks worked out as they are reached), then again
    /// on the warmed cache.</summary>
    private static (double Cold, double Warm) GrammarCostPerToken(Grammar grammar, TokenVocabulary vocabulary, IReadOnlyList<int> eos)
    {
        var compiled = GrammarCompiler.Compile(grammar, vocabulary);
        double withCold = SamplingMicroseconds(compiled, vocabulary.Size, eos);
        double withWarm = SamplingMicroseconds(compiled, vocabulary.Size, eos);
        double without = SamplingMicroseconds(null, vocabulary.Size, eos);
        return (withCold - without, withWarm - without);
    }

    private static double SamplingMicroseconds(CompiledGrammar? grammar, int vocabularySize, IReadOnlyList<int> eos)
    {
        var random = new Random(7);
        var logits = new float[vocabularySize];
        int steps = 0;
        var clock = new Stopwatch();
        SequenceSampler? sampler = null;
        while (steps < MaskSteps)
        {
            sampler ??= new SequenceSampler(new SamplingParams { Temperature = 1, MaxTokens = 4096, Seed = steps, StructuredOutput = grammar, IgnoreEos = grammar is null }, eos);
            for (int i = 0; i < logits.Length; i++) logits[i] = 4 * random.NextSingle();
            clock.Start();
            int token = sampler.Sample(logits, []).TokenId;
            sampler.Accept(token);
            clock.Stop();
            steps++;
            if (eos.Contains(token)) sampler = null;   // value complete: start a new one
        }
        return clock.Elapsed.TotalMicroseconds / steps;
    }
}
