using System.Diagnostics;
using Engine.Core;
using Engine.Sampling;

namespace GpuBench;

/// <summary>
/// Decode throughput through the whole engine (scheduler, batching, device argmax): n greedy requests with random
/// prompts submitted at once; tokens are timed as they arrive, and decode speed is measured in the window where every
/// request has finished its prefill and none has finished yet (as the InferenceService bench verb does).
/// </summary>
public static class DecodeBench
{
    public sealed record Result(double TokensPerSecond, double MeanTtftMs, double MeanContext);

    public static async Task<Result> RunAsync(LlmEngine engine, int sequences, int inputLen, int outputLen, Random random)
    {
        var parameters = new SamplingParams { Temperature = 0, MaxTokens = outputLen, IgnoreEos = true };
        long start = Stopwatch.GetTimestamp();
        var readers = Enumerable.Range(0, sequences).Select(async i =>
        {
            var prompt = Enumerable.Range(0, inputLen).Select(_ => random.Next(3, engine.Config.VocabSize)).ToArray();
            var seq = engine.Add($"bench-{Guid.NewGuid():N}", prompt, parameters);
            var times = new List<long>();
            await foreach (var _ in seq.Output.Reader.ReadAllAsync()) times.Add(Stopwatch.GetTimestamp());
            return times;
        }).ToList();
        var all = await Task.WhenAll(readers);
        long windowStart = all.Max(t => t[0]), windowEnd = all.Min(t => t[^1]);
        long tokens = all.Sum(t => t.Count(x => x > windowStart && x <= windowEnd));
        double window = Stopwatch.GetElapsedTime(windowStart, windowEnd).TotalSeconds;
        double ttft = all.Average(t => Stopwatch.GetElapsedTime(start, t[0]).TotalMilliseconds);
        return new Result(window > 0 ? tokens / window : 0, ttft, inputLen + outputLen / 2.0);
    }
}
