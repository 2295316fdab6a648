using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace InferenceService.Cli;

/// <summary>
/// The host's F32 multiply-add throughput at this moment, printed by `bench` next to the figures it bounds:
/// prefill and batched decode are compute-bound, so their ceiling is this rate over 2 FLOP per weight per token.
/// </summary>
internal static class FmaThroughput
{
    private const int Iterations = 20_000_000;
    private static float _sink;

    /// <summary>Best of three passes, all <paramref name="threads"/> threads multiply-adding at once, in GFLOP/s.</summary>
    public static double Measure(int threads)
    {
        double best = 0;
        for (int pass = 0; pass < 3; pass++)
        {
            var time = Stopwatch.StartNew();
            var sums = new float[threads];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sums[t] = Chains(1 + t));
            // 8 chains of 16 lanes, 2 FLOP per multiply-add.
            best = Math.Max(best, threads * (double)Iterations * 8 * 16 * 2 / time.Elapsed.TotalSeconds / 1e9);
            _sink += sums.Sum();
        }
        return best;
    }

    // Eight independent chains cover the multiply-add latency on every core this runs on (4 cycles, 2 units).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains(float seed)
    {
        var m = Vector512.Create(0.999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(seed), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c); a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c);
        }
        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
    }
}
