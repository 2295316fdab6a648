using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace GgufBench;

/// <summary>
/// llama.cpp's speed on a GGUF, measured the way llama-bench / llama-batched-bench do: prefill = one llama_decode
/// of an input-len prompt; decode = output-len single-token llama_decode calls after it (greedy); aggregate = with
/// `streams` sequences each prefilled with its own prompt, output-len steps of one batch holding one token per
/// sequence (batched-bench's S_TG: streams · output-len / time of those steps). Warm-up first; KV cache F16 (default).
/// </summary>
public static class LlamaCppBench
{
    public sealed record Result(double Prefill, double Decode, double Aggregate);

    public static Result Run(string model, int threads, int inputLen, int outputLen, int streams)
    {
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
        ctx.MemoryClear(true);
        double prefill = inputLen / Prefill(Prompt(), 0);
        double decode = DecodeOne(Prompt());

        ctx.MemoryClear(true);
        var tokens = new int[streams];
        for (int s = 0; s < streams; s++)
        {
            Prefill(Prompt(), s);
            tokens[s] = ArgMax(ctx.GetLogitsIth(batch.TokenCount - 1));
        }
        var begin = Stopwatch.GetTimestamp();
        for (int step = 0; step < outputLen; step++)
        {
            batch.Clear();
            for (int s = 0; s < streams; s++) batch.Add(tokens[s], inputLen + step, (LLamaSeqId)s, true);
            Check(ctx.Decode(batch));
            for (int s = 0; s < streams; s++) tokens[s] = ArgMax(ctx.GetLogitsIth(s));
        }
        double aggregate = (double)streams * outputLen / Stopwatch.GetElapsedTime(begin).TotalSeconds;
        return new Result(prefill, decode, aggregate);
    }

    private static int ArgMax(Span<float> logits) => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama_decode: {result}");
    }
}
