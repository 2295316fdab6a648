using System.Diagnostics;
using GpuBench;
using Engine.Backends;
using Engine.Backends.Ilgpu;
using Engine.Core;
using Engine.Loading;

// GPU benchmark recipe (tests/Benchmarks/gpu/README.md): correctness first (stories260K greedy equals llama2.c;
// bench-1b-shaped BF16 logits equal the CPU backend's), then decode tok/s single-stream and concurrent on bench-1b
// with dummy BF16 weights, next to the HBM-bandwidth roofline. Exit code 1 when a check fails.
BenchArgs settings;
try
{
    settings = new BenchArgs(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine("error: " + error.Message);
    return 2;
}

try
{
    return await RunAsync(settings);
}
catch (Exception error)
{
    // A missing GPU or driver, a failed cuBLAS call: say so plainly (the stack trace follows for the log).
    Console.Error.WriteLine($"error: {error.GetType().Name}: {error.Message}");
    Console.Error.WriteLine(error.StackTrace);
    return 3;
}

static async Task<int> RunAsync(BenchArgs settings)
{
    var summary = new List<string>();
    bool ok = true;
    Console.WriteLine($"GpuBench: device {settings.Device}, {Environment.ProcessorCount} host cores, .NET {Environment.Version}");

    if (settings.Stories is { } stories)
    {
        Console.WriteLine("== correctness: stories260K greedy vs llama2.c");
        bool passed = await StoriesCheck.RunAsync(settings, stories);
        summary.Add($"stories260K greedy == llama2.c reference: {(passed ? "PASS" : "FAIL")}");
        ok &= passed;
    }

    if (settings.BenchModel is { } benchModel)
    {
        if (!settings.Has("skip-logits-check"))
        {
            Console.WriteLine($"== correctness: bench-1b shapes ({settings.CheckLayers} layers), dummy BF16 weights, {settings.Device} vs CPU backend logits");
            using var checkBackend = Backends.Create(settings);
            bool passed = LogitsCheck.Run(settings, benchModel, checkBackend);
            if (checkBackend is IlgpuBackend { CuBlasStatus: { } status }) Console.WriteLine($"  {status}");
            summary.Add($"bench-1b BF16 logits vs CPU backend: {(passed ? "PASS" : "FAIL")}");
            ok &= passed;
        }

        await ThroughputAsync(settings, benchModel, null, summary);
        foreach (var quantization in settings.Quantizations)
        {
            if (!settings.Has("skip-logits-check"))
            {
                Console.WriteLine($"== correctness: bench-1b shapes ({settings.CheckLayers} layers), dummy weights quantized to {quantization}, {settings.Device} vs CPU backend logits");
                using var checkBackend = Backends.Create(settings);
                bool passed = LogitsCheck.Run(settings, benchModel, checkBackend, quantization);
                summary.Add($"bench-1b {quantization} logits vs CPU backend: {(passed ? "PASS" : "FAIL")}");
                ok &= passed;
            }
            await ThroughputAsync(settings, benchModel, quantization, summary);
        }
    }

    Console.WriteLine("== summary");
    foreach (var line in summary) Console.WriteLine("  " + line);
    Console.WriteLine(ok ? "  all checks passed" : "  CHECKS FAILED");
    return ok ? 0 : 1;
}

/// <summary>Decode tok/s on bench-1b with dummy weights (BF16, or quantized at load), next to the roofline.</summary>
static async Task ThroughputAsync(BenchArgs settings, string benchModel, DType? quantization, List<string> summary)
{
    string weights = quantization?.ToString() ?? "BF16";
    Console.WriteLine($"== decode throughput: bench-1b, dummy {weights} weights");
    int maxSeqs = settings.Concurrency.Max();
    var options = new EngineOptions
    {
        Model = benchModel, DummyWeights = true, DType = DType.BF16, Quantization = quantization, Device = settings.Device,
        MaxNumSeqs = maxSeqs, MaxNumBatchedTokens = Math.Max(2048, maxSeqs * settings.InputLen),
        MaxModelLen = settings.InputLen + settings.OutputLen + 16, GpuMemoryUtilization = settings.GpuMemoryUtilization,
    };
    var device = Backends.Create(settings);
    var profiler = settings.Profile ? new ProfilingBackend(new SynchronizingBackend(device)) : null;
    var load = Stopwatch.StartNew();
    using var engine = new LlmEngine(options, profiler ?? device);
    var c = engine.Config;
    var roofline = Roofline.For(c, quantization is { } q ? (double)q.BlockBytes() / q.BlockElements() : DType.BF16.Size(), settings.HbmTerabytesPerSecond);
    Console.WriteLine($"  {c.NumLayers} layers, hidden {c.HiddenSize}, vocab {c.VocabSize}; backend {device.Name}; loaded in {load.Elapsed.TotalSeconds:F1} s");
    if (device is IlgpuBackend gpu) Console.WriteLine($"  device memory {gpu.MemorySize / (double)(1L << 30):F1} GiB; KV cache {engine.Snapshot().TotalBlocks} blocks of {options.BlockSize} tokens");
    Console.WriteLine($"  weights streamed per decode step: {roofline.WeightBytes / 1e9:F3} GB ({weights}, lm_head included); KV cache {roofline.KvBytesPerToken} bytes per token of context (F32)");
    Console.WriteLine($"  roofline at {settings.HbmTerabytesPerSecond:F2} TB/s: {roofline.WeightBytes / roofline.BytesPerSecond * 1e3:F3} ms per step for the weights");

    var random = new Random(42);
    await DecodeBench.RunAsync(engine, 1, settings.InputLen, 8, random);          // warm-up: kernel JIT, cuBLAS load
    await DecodeBench.RunAsync(engine, maxSeqs, settings.InputLen, 8, random);
    if (device is IlgpuBackend { CuBlasStatus: { } cuBlas }) Console.WriteLine($"  {cuBlas}");
    profiler?.Reset();

    foreach (int n in settings.Concurrency)
    {
        DecodeBench.Result? best = null;
        for (int r = 0; r < settings.Repeats; r++)
        {
            var result = await DecodeBench.RunAsync(engine, n, settings.InputLen, settings.OutputLen, random);
            if (best is null || result.TokensPerSecond > best.TokensPerSecond) best = result;
        }
        double ceiling = roofline.TokensPerSecond(n, best!.MeanContext);
        string line = $"decode {weights,-4}, {n,3} concurrent: {best.TokensPerSecond,9:F1} tok/s aggregate ({best.TokensPerSecond / n:F1} per sequence), " +
            $"roofline {ceiling,9:F1} tok/s -> {100 * best.TokensPerSecond / ceiling:F1}% of roofline; mean TTFT {best.MeanTtftMs:F1} ms";
        Console.WriteLine("  " + line);
        summary.Add(line);
        if (profiler is not null)
        {
            double total = profiler.Totals.Values.Sum(t => t.Time.TotalMilliseconds);
            Console.WriteLine($"  profile (each op synchronized), {settings.Repeats} runs at concurrency {n}: {total:F0} ms in ops");
            foreach (var (op, (time, calls)) in profiler.Totals.OrderByDescending(t => t.Value.Time).Take(16))
                Console.WriteLine($"    {op,-24} {time.TotalMilliseconds,9:F2} ms {100 * time.TotalMilliseconds / total,6:F1}%  {calls,7} calls  {1000 * time.TotalMilliseconds / calls,8:F1} us/call");
            profiler.Reset();
        }
    }
}
