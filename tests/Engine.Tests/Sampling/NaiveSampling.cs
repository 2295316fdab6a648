namespace Engine.Tests.Sampling;

/// <summary>
/// Straightforward double-precision reference of vLLM's sampling math, written independently of the engine:
/// full sorts, explicit softmaxes, no thresholds or heaps.
/// </summary>
internal static class NaiveSampling
{
    public static double[] LogSoftmax(float[] logits)
    {
        double max = logits.Max();
        double lse = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
        return logits.Select(l => l - lse).ToArray();
    }

    public static int ArgmaxLowestId(float[] logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>temperature → top-k → top-p → min-p, then the final normalized distribution.</summary>
    public static double[] Probabilities(float[] logits, float temperature, int topK, float topP, float minP)
    {
        int n = logits.Length;
        if (temperature < 1e-5f)
        {
            var oneHot = new double[n];
            oneHot[ArgmaxLowestId(logits)] = 1;
            return oneHot;
        }
        var z = logits.Select(l => (double)l / temperature).ToArray();
        var order = Enumerable.Range(0, n).OrderByDescending(i => z[i]).ThenBy(i => i).ToArray();
        var keep = Enumerable.Repeat(true, n).ToArray();

        if (topK > 0 && topK < n)
        {
            double kth = z[order[topK - 1]];
            for (int i = 0; i < n; i++) keep[i] &= z[i] >= kth; // ties with the k-th stay
        }
        if (topP < 1f)
        {
            var probs = Softmax(z, keep);
            double before = 0;
            foreach (int i in order)
            {
                if (!keep[i]) continue;
                if (before < topP) before += probs[i];
                else keep[i] = false;
            }
        }
        if (minP > 0f)
        {
            var probs = Softmax(z, keep);
            double max = probs.Max();
            for (int i = 0; i < n; i++) keep[i] &= probs[i] >= minP * max;
        }
        return Softmax(z, keep);
    }

    public static double[] Softmax(double[] z, bool[] keep)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < z.Length; i++) if (keep[i]) max = Math.Max(max, z[i]);
        var p = new double[z.Length];
        double sum = 0;
        for (int i = 0; i < z.Length; i++) if (keep[i]) sum += p[i] = Math.Exp(z[i] - max);
        for (int i = 0; i < z.Length; i++) p[i] /= sum;
        return p;
    }

    public static float[] RandomLogits(Random rng, int n, double scale, double quantum = 0)
    {
        var logits = new float[n];
        for (int i = 0; i < n; i++)
        {
            // Box-Muller normal
            double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            double x = g * scale;
            logits[i] = (float)(quantum > 0 ? Math.Round(x / quantum) * quantum : x);
        }
        return logits;
    }

    /// <summary>Pearson chi-square of observed counts against expected probabilities (bins with p = 0 must be empty).</summary>
    public static (double ChiSquare, int DegreesOfFreedom) ChiSquare(int[] observed, double[] probabilities, int draws)
    {
        double chi = 0;
        int bins = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            double expected = probabilities[i] * draws;
            if (expected == 0)
            {
                Assert.True(observed[i] == 0, $"token {i} has probability 0 but was drawn {observed[i]} times");
                continue;
            }
            chi += (observed[i] - expected) * (observed[i] - expected) / expected;
            bins++;
        }
        return (chi, Math.Max(1, bins - 1));
    }

    /// <summary>A far-tail bound (~1e-4 significance for the degrees of freedom used here): a fixed seed keeps it deterministic.</summary>
    public static double ChiSquareLimit(int df) => df + 6 * Math.Sqrt(2.0 * df) + 8;
}
