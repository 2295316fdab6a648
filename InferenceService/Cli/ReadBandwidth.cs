using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InferenceService.Cli;

/// <summary>
/// The host's memory read bandwidth at this moment, printed by `bench` before and after its runs: decode is
/// bandwidth-bound, and on a shared host the bandwidth moves by tens of percent between runs, so the figures
/// are read against it.
/// </summary>
internal static unsafe class ReadBandwidth
{
    private static float _sink;

    /// <summary>Best of three passes over a 1 GiB buffer split across <paramref name="threads"/> threads, in GB/s.</summary>
    public static double Measure(int threads, long bytes = 1L << 30)
    {
        var data = (float*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        try
        {
            NativeMemory.Fill(data, (nuint)bytes, 1);   // touch every page before timing
            long perThread = bytes / sizeof(float) / threads / 64 * 64;
            double best = 0;
            for (int pass = 0; pass < 3; pass++)
            {
                var time = Stopwatch.StartNew();
                var sums = new float[threads];
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
                    t => sums[t] = Sum(data + t * perThread, perThread));
                best = Math.Max(best, threads * perThread * sizeof(float) / time.Elapsed.TotalSeconds / 1e9);
                _sink += sums.Sum();   // keeps the reads from being optimized away
            }
            return best;
        }
        finally
        {
            NativeMemory.AlignedFree(data);
        }
    }

    private static float Sum(float* p, long count)
    {
        Vector512<float> a = default, b = default, c = default, d = default;
        for (long i = 0; i < count; i += 64)
        {
            a += Vector512.Load(p + i);
            b += Vector512.Load(p + i + 16);
            c += Vector512.Load(p + i + 32);
            d += Vector512.Load(p + i + 48);
        }
        return Vector512.Sum(a + b + c + d);
    }
}
