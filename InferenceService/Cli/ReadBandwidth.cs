using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InferenceService.Cli;

/// <summary>
/// The host's memory read bandwidth at this moment, printed by `bench` before and after its runs: decode is
/// bandwidth-bound, and on a shared host the bandwidth moves by tens of percent between runs, so the figures
/// are read against it.
/// </summary>
internal static class ReadBandwidth
{
    private static float _sink;

    /// <summary>Best of three passes over a 1 GiB array split across <paramref name="threads"/> threads, in GB/s.</summary>
    public static double Measure(int threads)
    {
        // 1 GiB, written first: a fresh array's pages are never touched (the OS maps them all to its one zero
        // page), and summing those reads the cache, not memory.
        var data = new float[1 << 28];
        data.AsSpan().Fill(1f);
        long perThread = data.Length / threads / 64 * 64;
        double best = 0;
        for (int pass = 0; pass < 3; pass++)
        {
            var time = Stopwatch.StartNew();
            var sums = new float[threads];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
                t => sums[t] = Sum(data.AsSpan((int)(t * perThread), (int)perThread)));
            best = Math.Max(best, threads * perThread * sizeof(float) / time.Elapsed.TotalSeconds / 1e9);
            _sink += sums.Sum();   // keeps the reads from being optimized away
        }
        return best;
    }

    private static float Sum(ReadOnlySpan<float> values)
    {
        ref float p = ref MemoryMarshal.GetReference(values);
        Vector512<float> a = default, b = default, c = default, d = default;
        for (nuint i = 0; i < (nuint)values.Length; i += 64)
        {
            a += Vector512.LoadUnsafe(ref p, i);
            b += Vector512.LoadUnsafe(ref p, i + 16);
            c += Vector512.LoadUnsafe(ref p, i + 32);
            d += Vector512.LoadUnsafe(ref p, i + 48);
        }
        return Vector512.Sum(a + b + c + d);
    }
}
