using Engine.Core;
using Engine.Sampling;
using InferenceService.Hosting;

namespace InferenceService.Cli;

/// <summary>
/// `bench` with --speculative-config: single-stream decode on a copy-heavy workload, with and without speculation (a
/// second engine without it; runs alternating), their ratio and the acceptance rate. The prompt holds the text the model
/// will produce: a prompt, its greedy continuation, and the prompt again, so the continuation is what comes next once more
/// (n-gram lookup finds it in the prompt; a draft model is simply asked to predict it).
/// </summary>
internal static class SpeculativeBench
{
    /// <summary>The copy-heavy prompt's length for an --input-len prompt and --output-len continuation.</summary>
    public static int PromptLength(int inputLen, int outputLen) => 2 * inputLen + outputLen;

    public static async Task RunAsync(LlmEngine speculative, EngineOptions options, int[] start, int outputLen, int repeats)
    {
        using var plain = new LlmEngine(options with { SpeculativeConfig = null }, BackendFactory.Create(options));
        var greedy = new SamplingParams { Temperature = 0, MaxTokens = outputLen, IgnoreEos = true };
        var continuation = new List<int>();
        await foreach (var output in plain.Add("bench-continuation", start, greedy).Output.Reader.ReadAllAsync()) continuation.Add(output.TokenId);
        int[] copyHeavy = [.. start, .. continuation, .. start];

        await BenchCommand.Run(plain, [copyHeavy], greedy);   // warm-up
        double with = 0, without = 0;
        var stats = speculative.Statistics;
        long draftTokens = stats.DraftTokens, accepted = stats.AcceptedDraftTokens;
        for (int r = 0; r < repeats; r++)
        {
            without = Math.Max(without, (await BenchCommand.Run(plain, [copyHeavy], greedy)).DecodeTokensPerSecond);
            with = Math.Max(with, (await BenchCommand.Run(speculative, [copyHeavy], greedy)).DecodeTokensPerSecond);
        }
        draftTokens = stats.DraftTokens - draftTokens;
        accepted = stats.AcceptedDraftTokens - accepted;
        var config = options.SpeculativeConfig!;
        Console.WriteLine($"speculative decoding ({config.Method.ToString().ToLowerInvariant()}, k {config.NumSpeculativeTokens}) on a copy-heavy " +
            $"{copyHeavy.Length}-token prompt: single-stream decode {with:F1} tok/s vs {without:F1} tok/s without: {with / without:F2}x " +
            $"(best of {repeats}, alternating); acceptance rate {(draftTokens > 0 ? 100.0 * accepted / draftTokens : 0):F1}% " +
            $"({accepted} of {draftTokens} draft tokens)");
    }
}
