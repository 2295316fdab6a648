using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace GgufBench;

/// <summary>
/// llama.cpp's speed on a GGUF, measured the way llama-bench / llama-batched-bench do: prefill = one llama_decode
/// of an input-len prompt; decode = output-len single-token llama_decode calls after it (greedy); aggregate, for
/// each stream count n = with n sequences each prefilled with its own prompt, output-len steps of one batch holding
/// one token per sequence (batched-bench's S_TG: n · output-len / time of those steps). Warm-up first; prefill and
/// decode are the best of 3; KV cache F16 (default).
/// </summary>
public static class LlamaCppBench
{
    public sealed record Result(double Prefill, double Decode, IReadOnlyList<(int Streams, double TokensPerSecond)> Aggregate);

    public static Result Run(string model, int threads, int inputLen, int outputLen, IReadOnlyList<int> streamCounts)
    {
        int streams = streamCounts.Max();
        var parameters = new ModelParams(model)
        {
            ContextSize = (uint)(streams * (inputLen + outputLen)),
            BatchSize = (uint)inputLen,
            UBatchSize = (uint)inputLen,
            SeqMax = (uint)streams,
            Threads = threads,
            BatchThreads = threads,
            GpuLayerCount = 0,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var ctx = context.NativeHandle;
        int vocab = weights.Vocab.Count;
        var random = new Random(42);
        int[] Prompt() => Enumerable.Range(0, inputLen).Select(_ => random.Next(3, vocab)).ToArray();
        var batch = new LLamaBatch();

        double Prefill(int[] prompt, int sequence)
        {
            batch.Clear();
            for (int i = 0; i < prompt.Length; i++) batch.Add(prompt[i], i, (LLamaSeqId)sequence, i == prompt.Length - 1);
            var start = Stopwatch.GetTimestamp();
            Check(ctx.Decode(batch));
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        double DecodeOne(int[] prompt)
        {
            ctx.MemoryClear(true);
            Prefill(prompt, 0);
            int token = ArgMax(ctx.GetLogitsIth(batch.TokenCount - 1));
            var start = Stopwatch.GetTimestamp();
            for (int step = 0; step < outputLen; step++)
            {
                batch.Clear();
                batch.Add(token, inputLen + step, LLamaSeqId.Zero, true);
                Check(ctx.Decode(batch));
                token = ArgMax(ctx.GetLogitsIth(0));
            }
            return outputLen / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        DecodeOne(Prompt());   // warm-up
        // Best of 3, as our bench reports its single-stream figures.
        double prefill = 0, decode = 0;
        for (int r = 0; r < 3; r++)
        {
            ctx.MemoryClear(true);
            prefill = Math.Max(prefill, inputLen / Prefill(Prompt(), 0));
            decode = Math.Max(decode, DecodeOne(Prompt()));
        }

        double Aggregate(int n)
        {
            ctx.MemoryClear(true);
            var tokens = new int[n];
            for (int s = 0; s < n; s++)
            {
                Prefill(Prompt(), s);
                tokens[s] = ArgMax(ctx.GetLogitsIth(batch.TokenCount - 1));
            }
            var begin = Stopwatch.GetTimestamp();
            for (int step = 0; step < outputLen; step++)
            {
                batch.Clear();
                for (int s = 0; s < n; s++) batch.Add(tokens[s], inputLen + step, (LLamaSeqId)s, true);
                Check(ctx.Decode(batch));
                for (int s = 0; s < n; s++) tokens[s] = ArgMax(ctx.GetLogitsIth(s));
            }
            return (double)n * outputLen / Stopwatch.GetElapsedTime(begin).TotalSeconds;
        }

        return new Result(prefill, decode, streamCounts.Select(n => (n, Aggregate(n))).ToList());
    }

    private static int ArgMax(Span<float> logits) => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama_decode: {result}");
    }
}
