using System.Diagnostics;
using CommandLineFlags;
using Engine.Backends;
using Engine.Configuration;
using Engine.Core;
using Engine.Sampling;
using InferenceService.Hosting;

namespace InferenceService.Cli;

/// <summary>
/// `bench`: engine throughput on a model folder or GGUF file (usually --load-format dummy, optionally with
/// --quantization), printed as a report:
/// single-stream prefill tok/s (--input-len prompt) and decode tok/s, aggregate decode tok/s at each
/// --concurrency (comma list, --output-len tokens per request), and, with --prefix-len, time to first token
/// for a request whose prefix is cached vs cold. --json-schema FILE adds what a structured output costs (see
/// <see cref="StructuredOutputBench"/>). --profile adds where the decode time goes at the highest concurrency.
/// The host's memory read bandwidth is printed before and after, to read the figures against.
/// </summary>
public static class BenchCommand
{
    public static FlagSet Flags { get; } = EngineFlags.Options.With(
    [
        KnownFlag.Value("input-len"), KnownFlag.Value("output-len"), KnownFlag.Value("repeats"), KnownFlag.Value("prefix-len"),
        KnownFlag.Value("concurrency"), KnownFlag.Value("json-schema"), KnownFlag.Switch("profile"),
    ]);

    public static async Task<int> RunAsync(CommandLine args, IConfiguration configuration)
    {
        int inputLen = args.GetInt("input-len") ?? 128;
        int outputLen = args.GetInt("output-len") ?? 64;
        int repeats = args.GetInt("repeats") ?? 3;
        int prefixLen = args.GetInt("prefix-len") ?? 0;
        var concurrency = (args.Get("concurrency") ?? "1").Split(',').Select(int.Parse).ToArray();
        var schemaFile = args.Get("json-schema");
        var options = EngineOptionsReader.Read(configuration);
        options = options with
        {
            MaxNumSeqs = Math.Max(concurrency.Max(), 1),
            MaxModelLen = options.MaxModelLen ?? Math.Max(inputLen, prefixLen + 16) + outputLen,
        };

        IComputeBackend backend = BackendFactory.Create(options);
        var profiler = args.GetSwitch("profile") == true ? new ProfilingBackend(backend) : null;
        var load = Stopwatch.StartNew();
        using var engine = new LlmEngine(options, profiler ?? backend);
        var c = engine.Config;
        Console.WriteLine($"model {options.Model}: {c.NumLayers} layers, hidden {c.HiddenSize}, vocab {c.VocabSize}, " +
            $"weights {engine.Model.WeightTypes}{(options.DummyWeights ? " (dummy)" : "")}, " +
            $"loaded in {load.Elapsed.TotalSeconds:F1} s, {Environment.ProcessorCount} cores, backend {backend.Name}");
        PrintBandwidth("before");

        var random = new Random(42);
        int[] Prompt(int length) => Enumerable.Range(0, length).Select(_ => random.Next(3, c.VocabSize)).ToArray();
        var greedy = new SamplingParams { Temperature = 0, MaxTokens = outputLen, IgnoreEos = true };
        await Run(engine, [Prompt(inputLen)], greedy);   // warm-up: JIT, page faults

        double bestPrefill = 0, bestDecode = 0;
        for (int r = 0; r < repeats; r++)
        {
            var result = await Run(engine, [Prompt(inputLen)], greedy);
            bestPrefill = Math.Max(bestPrefill, inputLen / result.MeanTtft);
            bestDecode = Math.Max(bestDecode, result.DecodeTokensPerSecond);
        }
        Console.WriteLine($"single stream: prefill ({inputLen}-token prompt) {bestPrefill:F1} tok/s, decode {bestDecode:F1} tok/s (best of {repeats})");

        foreach (int n in concurrency)
        {
            var result = await Run(engine, Enumerable.Range(0, n).Select(_ => Prompt(inputLen)).ToArray(), greedy);
            Console.WriteLine($"concurrency {n,3}: aggregate decode {result.DecodeTokensPerSecond,7:F1} tok/s, " +
                $"output {n * outputLen / result.Elapsed,7:F1} tok/s overall, mean TTFT {1000 * result.MeanTtft,7:F1} ms");
        }

        if (schemaFile is not null) await StructuredOutputBench.RunAsync(engine, schemaFile, concurrency, Prompt, inputLen, outputLen, repeats);

        if (prefixLen > 0)
        {
            var one = new SamplingParams { Temperature = 0, MaxTokens = 1, IgnoreEos = true };
            var prefix = Prompt(prefixLen);
            var cold = await Run(engine, [[.. prefix, .. Prompt(8)]], one);
            var warm = await Run(engine, [[.. prefix, .. Prompt(8)]], one);
            Console.WriteLine($"prefix caching: TTFT with a {prefixLen}-token prefix cold {1000 * cold.MeanTtft:F1} ms, cached {1000 * warm.MeanTtft:F1} ms: {cold.MeanTtft / warm.MeanTtft:F1}x faster");
        }
        PrintBandwidth("after");

        if (profiler is not null)
        {
            // Counted from the moment every request has its first token: the decode steps only.
            int n = concurrency.Max();
            var wall = new Stopwatch();
            await Run(engine, Enumerable.Range(0, n).Select(_ => Prompt(inputLen)).ToArray(), greedy,
                onAllStarted: () => { profiler.Reset(); wall.Start(); });
            wall.Stop();
            double total = profiler.Totals.Values.Sum(t => t.Time.TotalMilliseconds);
            Console.WriteLine($"profile of the decode steps at concurrency {n}: backend {total:F0} ms of {wall.Elapsed.TotalMilliseconds:F0} ms wall");
            foreach (var (op, (time, calls)) in profiler.Totals.OrderByDescending(t => t.Value.Time))
                Console.WriteLine($"  {op,-22} {time.TotalMilliseconds,9:F2} ms {100 * time.TotalMilliseconds / total,6:F1}%  {calls,6} calls");
        }
        return 0;
    }

    private static void PrintBandwidth(string when) =>
        Console.WriteLine($"host memory read bandwidth {when}: {ReadBandwidth.Measure(Environment.ProcessorCount):F1} GB/s ({Environment.ProcessorCount} threads)");

    internal sealed record RunResult(double Elapsed, double MeanTtft, double DecodeTokensPerSecond);

    /// <summary>Submits all prompts at once and times every token. Decode speed is measured in the window
    /// where every request has finished its prefill and none has finished yet.</summary>
    internal static async Task<RunResult> Run(LlmEngine engine, int[][] prompts, SamplingParams parameters, Action? onAllStarted = null)
    {
        var start = Stopwatch.GetTimestamp();
        int waitingForFirstToken = prompts.Length;
        var readers = prompts.Select(async (prompt, i) =>
        {
            var seq = engine.Add($"bench-{i}", prompt, parameters);
            var times = new List<long>();
            await foreach (var _ in seq.Output.Reader.ReadAllAsync())
            {
                times.Add(Stopwatch.GetTimestamp());
                if (times.Count == 1 && Interlocked.Decrement(ref waitingForFirstToken) == 0) onAllStarted?.Invoke();
            }
            return times;
        }).ToList();
        var all = await Task.WhenAll(readers);
        double Seconds(long t) => Stopwatch.GetElapsedTime(start, t).TotalSeconds;
        long windowStart = all.Max(t => t[0]), windowEnd = all.Min(t => t[^1]);
        long tokens = all.Sum(t => t.Count(x => x > windowStart && x <= windowEnd));
        double window = Stopwatch.GetElapsedTime(windowStart, windowEnd).TotalSeconds;
        return new RunResult(Seconds(all.Max(t => t[^1])), all.Average(t => Seconds(t[0])), window > 0 ? tokens / window : 0);
    }
}
