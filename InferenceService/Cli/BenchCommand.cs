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
/// for a request whose prefix is cached vs cold (medians over fresh prefixes, after a warm-up on another long prompt). --json-schema FILE adds what a structured output costs (see
/// <see cref="StructuredOutputBench"/>). --profile adds where the decode time goes at the highest concurrency (under the
/// --lora-modules adapters, if any).
/// With a compact --kv-cache-dtype, aggregate decode at the highest concurrency is also measured with an F32 KV cache
/// (a second engine, runs alternating) and printed as a ratio. With --speculative-config, single-stream decode on a
/// copy-heavy prompt is measured with and without speculation (see <see cref="SpeculativeBench"/>). With --lora-modules,
/// aggregate decode at the highest concurrency with the streams spread over every adapter is measured against the same
/// streams on the base model (runs alternating) and printed as a ratio.
/// The host's memory read bandwidth is printed before and after, and with its F32 multiply-add throughput the
/// ceilings they put on the figures: single-stream decode streams every matmul weight once per token,
/// prefill and batched decode cost 2 FLOP per matmul weight per token.
/// </summary>
public static class BenchCommand
{
    private const int PrefixSamples = 5;

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
            // With speculation, the copy-heavy prompt is the prompt, its continuation and the prompt again.
            MaxModelLen = options.MaxModelLen ?? Math.Max(options.SpeculativeConfig is null ? inputLen : SpeculativeBench.PromptLength(inputLen, outputLen), prefixLen + 16) + outputLen,
        };

        IComputeBackend backend = BackendFactory.Create(options);
        var profiler = args.GetSwitch("profile") == true ? new ProfilingBackend(backend) : null;
        var load = Stopwatch.StartNew();
        using var engine = new LlmEngine(options, profiler ?? backend);
        var c = engine.Config;
        Console.WriteLine($"model {options.Model}: {c.NumLayers} layers, hidden {c.HiddenSize}, vocab {c.VocabSize}, " +
            $"weights {engine.Model.WeightTypes}{(options.DummyWeights ? " (dummy)" : "")}, KV cache {engine.KvCacheDType.FlagName()}, " +
            $"loaded in {load.Elapsed.TotalSeconds:F1} s, {Environment.ProcessorCount} cores, backend {backend.Name}");
        PrintLimits(engine, options.Threads ?? Environment.ProcessorCount);

        var random = new Random(42);
        int[] Prompt(int length) => Enumerable.Range(0, length).Select(_ => random.Next(3, c.VocabSize)).ToArray();
        int[][] Prompts(int streams) => Enumerable.Range(0, streams).Select(_ => Prompt(inputLen)).ToArray();
        var greedy = new SamplingParams { Temperature = 0, MaxTokens = outputLen, IgnoreEos = true };
        await WarmUp(engine, () => [Prompt(inputLen)], greedy, "single stream", minimumRuns: 6);
        if (concurrency.Max() > 1)
            await WarmUp(engine, () => Prompts(concurrency.Max()), greedy, $"concurrency {concurrency.Max()}", minimumRuns: 3);

        double bestPrefill = 0, bestDecode = 0;
        for (int r = 0; r < repeats; r++)
        {
            var result = await Run(engine, [Prompt(inputLen)], greedy);
            bestPrefill = Math.Max(bestPrefill, inputLen / result.MeanTtft);
            bestDecode = Math.Max(bestDecode, result.DecodeTokensPerSecond);
        }
        Console.WriteLine($"single stream: prefill ({inputLen}-token prompt) {bestPrefill:F1} tok/s, decode {bestDecode:F1} tok/s (best of {repeats})");
        if (options.SpeculativeConfig is not null) await SpeculativeBench.RunAsync(engine, options, Prompt(inputLen), outputLen, repeats);

        Console.WriteLine("aggregate decode: tokens/s while all n streams decode together (from the last stream's first token to the " +
            "first stream's last), as llama-batched-bench's S_TG that llamacpp-bench.sh compares it with");
        foreach (int n in concurrency)
        {
            var result = await Run(engine, Prompts(n), greedy);
            Console.WriteLine($"concurrency {n,3}: aggregate decode {result.DecodeTokensPerSecond,7:F1} tok/s, " +
                $"output {n * outputLen / result.Elapsed,7:F1} tok/s overall, mean TTFT {1000 * result.MeanTtft,7:F1} ms");
        }

        // Only for a type named by the flag: auto's choice is the default being measured, not a comparison asked for.
        if (options.KvCacheDType is { } named && named != KvCacheDType.Float32)
        {
            int n = concurrency.Max();
            using var f32 = new LlmEngine(options with { KvCacheDType = KvCacheDType.Float32 }, BackendFactory.Create(options));
            await Run(f32, [Prompt(inputLen)], greedy);   // warm-up
            double compact = 0, reference = 0;
            for (int r = 0; r < repeats; r++)
            {
                compact = Math.Max(compact, (await Run(engine, Prompts(n), greedy)).DecodeTokensPerSecond);
                reference = Math.Max(reference, (await Run(f32, Prompts(n), greedy)).DecodeTokensPerSecond);
            }
            Console.WriteLine($"kv-cache-dtype {engine.KvCacheDType.FlagName()} at concurrency {n}: aggregate decode {compact:F1} tok/s vs " +
                $"{reference:F1} tok/s with the F32 KV cache: {Ratio(compact, reference)} (best of {repeats}, alternating)");
        }

        if (engine.Loras is { Loaded.Count: > 0 } adapters)
        {
            int n = concurrency.Max();
            var loaded = adapters.Loaded;
            double withAdapters = 0, plain = 0;
            for (int r = 0; r < repeats; r++)
            {
                withAdapters = Math.Max(withAdapters, (await Run(engine, Prompts(n), greedy,
                    lora: i => loaded[i % loaded.Count])).DecodeTokensPerSecond);
                plain = Math.Max(plain, (await Run(engine, Prompts(n), greedy)).DecodeTokensPerSecond);
            }
            Console.WriteLine($"LoRA at concurrency {n} over {loaded.Count} adapters (rank {string.Join("/", loaded.Select(a => a.Rank).Distinct())}): " +
                $"aggregate decode {withAdapters:F1} tok/s vs {plain:F1} tok/s on the base model: {Ratio(withAdapters, plain)}, " +
                $"overhead {(withAdapters > 0 && plain > 0 ? $"{100 * (1 - withAdapters / plain):F1} %" : "n/a")} (best of {repeats}, alternating)");
        }

        if (schemaFile is not null) await StructuredOutputBench.RunAsync(engine, schemaFile, concurrency, Prompt, inputLen, outputLen, repeats);

        if (prefixLen > 0)
        {
            // The first long prompt pays for JIT and page faults of its own: a warm-up on another one, then each of several
            // fresh prefixes once cold and once cached.
            var one = new SamplingParams { Temperature = 0, MaxTokens = 1, IgnoreEos = true };
            await Run(engine, [Prompt(prefixLen + 8)], one);
            var cold = new List<double>();
            var cached = new List<double>();
            for (int i = 0; i < PrefixSamples; i++)
            {
                var prefix = Prompt(prefixLen);
                cold.Add((await Run(engine, [[.. prefix, .. Prompt(8)]], one)).MeanTtft);
                cached.Add((await Run(engine, [[.. prefix, .. Prompt(8)]], one)).MeanTtft);
            }
            double coldMedian = Median(cold), cachedMedian = Median(cached);
            Console.WriteLine($"prefix caching: TTFT with a {prefixLen}-token prefix (+8 new tokens) cold {1000 * coldMedian:F1} ms, cached " +
                $"{1000 * cachedMedian:F1} ms: {coldMedian / cachedMedian:F1}x faster (medians of {PrefixSamples} fresh prefixes, after a warm-up " +
                $"on another {prefixLen + 8}-token prompt)");
        }
        PrintBandwidth("after");

        if (profiler is not null)
        {
            // Counted from the moment every request has its first token: the decode steps only (spread over the adapters, if any).
            int n = concurrency.Max();
            var spread = engine.Loras?.Loaded ?? [];
            var wall = new Stopwatch();
            await Run(engine, Prompts(n), greedy,
                onAllStarted: () => { profiler.Reset(); wall.Start(); }, lora: spread.Count > 0 ? i => spread[i % spread.Count] : null);
            wall.Stop();
            double total = profiler.Totals.Values.Sum(t => t.Time.TotalMilliseconds);
            Console.WriteLine($"profile of the decode steps at concurrency {n}{(spread.Count > 0 ? $" over {spread.Count} LoRA adapters" : "")}: " +
                $"backend {total:F0} ms of {wall.Elapsed.TotalMilliseconds:F0} ms wall");
            foreach (var (op, (time, calls)) in profiler.Totals.OrderByDescending(t => t.Value.Time))
                Console.WriteLine($"  {op,-22} {time.TotalMilliseconds,9:F2} ms {100 * time.TotalMilliseconds / total,6:F1}%  {calls,6} calls");
        }
        return 0;
    }

    /// <summary>Runs until the decode rate stops rising: the runtime recompiles hot methods with optimisations in the
    /// background for a while after their first calls (tiered compilation, dynamic PGO), and a run right after a single
    /// warm-up measured a third of the warm speed. Stops after two runs in a row that do not beat the best by 3 %, but
    /// not before <paramref name="minimumRuns"/> (the first run can be the fastest for a while: the background
    /// compilations it triggers then share the cores with the next ones), or after <see cref="MaxWarmUpRuns"/>; prints
    /// the rates so the reader sees how far from warm the first run was.</summary>
    private static async Task WarmUp(LlmEngine engine, Func<int[][]> prompts, SamplingParams parameters, string label, int minimumRuns)
    {
        var rates = new List<double>();
        double best = 0;
        int flat = 0;
        while (rates.Count < MaxWarmUpRuns && (flat < 2 || rates.Count < minimumRuns))
        {
            double rate = (await Run(engine, prompts(), parameters)).DecodeTokensPerSecond;
            rates.Add(rate);
            flat = rate > best * 1.03 ? 0 : flat + 1;
            best = Math.Max(best, rate);
        }
        Console.WriteLine($"warm-up, {label}: {rates.Count} runs, decode {string.Join(" ", rates.Select(r => r.ToString("F0")))} tok/s");
    }

    private const int MaxWarmUpRuns = 12;

    /// <summary>value / anchor as "1.23x"; without a figure on both sides (no moment where every stream was decoding, as
    /// happens with a short --output-len on a busy machine) it says so instead of printing NaN.</summary>
    private static string Ratio(double value, double anchor) =>
        value > 0 && anchor > 0 ? $"{value / anchor:F2}x" : "n/a (no window where every stream was decoding: raise --output-len)";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static void PrintLimits(LlmEngine engine, int threads)
    {
        double bandwidth = PrintBandwidth("before");
        double flops = FmaThroughput.Measure(threads);
        long bytes = engine.Model.MatMulWeightBytes, elements = engine.Config.MatMulElements;
        Console.WriteLine($"host F32 multiply-add throughput: {flops:F1} GFLOP/s ({threads} threads)");
        Console.WriteLine($"limits: single-stream decode <= {bandwidth * 1e9 / bytes:F1} tok/s ({bytes / 1e6:F1} MB of matmul weights per token at {bandwidth:F1} GB/s); " +
            $"prefill and batched decode <= {flops * 1e9 / (2.0 * elements):F1} tok/s ({2 * elements / 1e6:F1} MFLOP per token at {flops:F1} GFLOP/s)");
    }

    private static double PrintBandwidth(string when)
    {
        double bandwidth = ReadBandwidth.Measure(Environment.ProcessorCount);
        Console.WriteLine($"host memory read bandwidth {when}: {bandwidth:F1} GB/s ({Environment.ProcessorCount} threads)");
        return bandwidth;
    }

    internal sealed record RunResult(double Elapsed, double MeanTtft, double DecodeTokensPerSecond);

    /// <summary>Submits all prompts at once and times every token. Decode speed is measured in the window
    /// where every request has finished its prefill and none has finished yet. <paramref name="lora"/> gives stream i its adapter.</summary>
    internal static async Task<RunResult> Run(LlmEngine engine, int[][] prompts, SamplingParams parameters, Action? onAllStarted = null,
        Func<int, Engine.Lora.LoraAdapter>? lora = null)
    {
        var start = Stopwatch.GetTimestamp();
        int waitingForFirstToken = prompts.Length;
        var readers = prompts.Select(async (prompt, i) =>
        {
            var seq = engine.Add($"bench-{i}", prompt, parameters, lora: lora?.Invoke(i));
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
