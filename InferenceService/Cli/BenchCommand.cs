using System.Diagnostics;
using Inference.Engine.Backends;
using Inference.Engine.Backends.Cpu;
using Inference.Engine.Loading;
using Inference.Engine.Models;

namespace InferenceService.Cli;

/// <summary>
/// `bench`: single-stream prefill and decode speed of a model folder (usually with --load-format dummy).
/// Prints prefill tok/s for a prompt of --input-len tokens and decode tok/s over --output-len tokens.
/// </summary>
public static class BenchCommand
{
    public static int Run(CommandLine args)
    {
        string model = args.Get("model") ?? throw new ArgumentException("--model <dir> is required.");
        int inputLen = args.GetInt("input-len") ?? 128;
        int outputLen = args.GetInt("output-len") ?? 64;
        int repeats = args.GetInt("repeats") ?? 3;
        bool dummy = (args.Get("load-format") ?? "auto") == "dummy";
        var dtype = DTypeInfo.ParseTorch(args.Get("dtype"));
        int blockSize = 16;

        IComputeBackend cpu = new CpuBackend(args.GetInt("threads"));
        var profiler = args.Has("profile") ? new ProfilingBackend(cpu) : null;
        using var backend = profiler ?? cpu;
        var load = Stopwatch.StartNew();
        var llama = ModelLoader.Load(model, backend, dtype, dummy, inputLen + outputLen, inputLen, 1);
        var c = llama.Config;
        Console.WriteLine($"model {model}: {c.NumLayers} layers, hidden {c.HiddenSize}, vocab {c.VocabSize}, weights {(dtype ?? c.StoredDType ?? DType.F32)}, {(dummy ? "dummy" : "checkpoint")}; loaded in {load.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores");

        int blocks = (inputLen + outputLen + blockSize - 1) / blockSize;
        var cache = backend.AllocateKvCache(c.NumLayers, blocks, blockSize, c.NumKvHeads, c.HeadDim);
        var table = Enumerable.Range(0, blocks).ToArray();
        var random = new Random(42);
        var prompt = Enumerable.Range(0, inputLen).Select(_ => random.Next(3, c.VocabSize)).ToArray();
        var logits = new float[c.VocabSize];

        ForwardBatch Batch(int[] ids, int start) => new()
        {
            TokenIds = ids,
            Positions = Enumerable.Range(start, ids.Length).ToArray(),
            SlotMapping = Enumerable.Range(start, ids.Length).ToArray(),
            TokenSequence = new int[ids.Length],
            BlockTables = table,
            MaxBlocksPerSequence = table.Length,
            LogitTokenIndices = [ids.Length - 1],
        };

        double bestPrefill = 0, bestDecode = 0;
        for (int r = 0; r <= repeats; r++)   // round 0 warms up the JIT and caches
        {
            var sw = Stopwatch.StartNew();
            backend.Download(llama.Forward(Batch(prompt, 0), cache), logits);
            double prefill = inputLen / sw.Elapsed.TotalSeconds;

            profiler?.Reset();
            sw.Restart();
            int token = Array.IndexOf(logits, logits.Max());
            for (int i = 0; i < outputLen; i++)
            {
                backend.Download(llama.Forward(Batch([token], inputLen + i), cache), logits);
                token = Array.IndexOf(logits, logits.Max());
            }
            double decode = outputLen / sw.Elapsed.TotalSeconds;
            if (r == 0) continue;
            Console.WriteLine($"run {r}: prefill {prefill,8:F1} tok/s   decode {decode,7:F1} tok/s");
            bestPrefill = Math.Max(bestPrefill, prefill);
            bestDecode = Math.Max(bestDecode, decode);
        }
        if (profiler is not null)
        {
            Console.WriteLine($"decode profile, last run ({outputLen} tokens):");
            double total = profiler.Totals.Values.Sum(t => t.Time.TotalMilliseconds);
            foreach (var (op, (time, calls)) in profiler.Totals.OrderByDescending(t => t.Value.Time))
                Console.WriteLine($"  {op,-22} {time.TotalMilliseconds / outputLen,7:F3} ms/token  {100 * time.TotalMilliseconds / total,5:F1}%  {calls / outputLen,4} calls/token");
        }
        Console.WriteLine($"best: prefill ({inputLen}-token prompt) {bestPrefill:F1} tok/s, single-stream decode {bestDecode:F1} tok/s");
        return 0;
    }
}
