using System.Text.Json.Nodes;
using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Loading;
using Engine.Models;

namespace GpuBench;

/// <summary>
/// bench-1b's shapes with dummy BF16 weights, cut to a few layers: the device's logits against the CPU backend's for
/// a 40-token prefill (cuBLAS GemmEx on CUDA, with activations rounded to BF16) and 3 decodes (the matvec kernel,
/// F32 activations). Relative error = max |Δ| / max |logit|; returns whether the prefill is within 5e-2 (BF16
/// activations) and every decode within 1e-3. With a block quantization both backends quantize the same dummy weights
/// at load; the device dequantizes them in its kernels (exact F32) while the CPU quantizes activations to 8 bits per
/// block as llama.cpp does, so every step is allowed 5e-2.
/// </summary>
public static class LogitsCheck
{
    public static bool Run(BenchArgs args, string benchModel, IComputeBackend device, DType? quantization = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "gpubench-check-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        try
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(benchModel, "config.json")))!;
            config["num_hidden_layers"] = args.CheckLayers;
            File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
            using var cpu = new CpuBackend();
            var random = new Random(5);
            var c = ModelConfig.Load(folder);
            var tokens = Enumerable.Range(0, 43).Select(_ => random.Next(c.VocabSize)).ToArray();
            var results = new[] { (IComputeBackend)cpu, device }.Select(backend =>
            {
                var model = ModelLoader.Load(folder, backend, DType.BF16, dummyWeights: true, 64, 64, 64, quantization);
                var cache = backend.AllocateKvCache(c.NumLayers, 8, 16, c.NumKvHeads, c.HeadDim);
                var logits = new List<float[]>();
                for (int start = 0, count = 40; start < tokens.Length; start += count, count = 1)
                    logits.Add(Forward(backend, model, cache, tokens, start, count));
                return logits;
            }).ToArray();
            bool ok = true;
            for (int step = 0; step < results[0].Count; step++)
            {
                var (expected, actual) = (results[0][step], results[1][step]);
                double scale = expected.Max(Math.Abs), error = 0;
                for (int i = 0; i < expected.Length; i++) error = Math.Max(error, float.IsNaN(actual[i]) ? double.PositiveInfinity : Math.Abs(expected[i] - actual[i]));
                Console.WriteLine($"  bench-1b ({args.CheckLayers} layers, dummy {quantization?.ToString() ?? "BF16"}) {(step == 0 ? "40-token prefill" : $"decode {step}")}: max relative logit error {error / scale:E2}");
                ok &= error / scale <= (step == 0 || quantization is not null ? 5e-2 : 1e-3);
            }
            return ok;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static float[] Forward(IComputeBackend backend, LlamaModel model, KvCache cache, int[] tokens, int start, int count)
    {
        var positions = Enumerable.Range(start, count).ToArray();
        int[] table = [5, 1, 7, 0];
        var batch = new ForwardBatch
        {
            TokenIds = tokens[start..(start + count)],
            Positions = positions,
            SlotMapping = positions.Select(p => table[p / 16] * 16 + p % 16).ToArray(),
            TokenSequence = new int[count],
            BlockTables = table,
            MaxBlocksPerSequence = table.Length,
            LogitTokenIndices = [count - 1],
        };
        var logits = model.Forward(batch, cache);
        var host = new float[logits.Cols];
        backend.Download(logits, host);
        return host;
    }
}
