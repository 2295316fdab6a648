namespace Engine.Sampling;

/// <summary>
/// top-p without sorting the vocabulary. vLLM's rule: walking best first, a token is kept while the mass before it
/// is below top_p (so the token that reaches top_p is kept, and at least one always is).
/// A histogram of mass over z finds the bucket where the running mass crosses top_p: buckets above it are kept
/// wholesale, buckets below dropped, and only the crossing bucket's tokens are sorted and walked.
/// </summary>
internal static class TopPFilter
{
    private const int Buckets = 1024;

    // z in (-32, 0] spreads over the buckets (1/32 wide); exp(-32) ≈ 1e-14, so the last bucket's tail hardly matters.
    private const float BucketsPerUnitZ = 32f;

    /// <summary>Zeroes the weights outside the nucleus. z = scaled logits with max 0; weights = exp(z), 0 = already dropped.</summary>
    public static void Apply(ReadOnlySpan<float> z, Span<float> weights, float topP, SamplingScratch scratch)
    {
        Span<double> mass = stackalloc double[Buckets];
        mass.Clear();
        for (int i = 0; i < z.Length; i++)
            if (weights[i] > 0f) mass[Bucket(z[i])] += weights[i];
        double total = 0;
        foreach (double m in mass) total += m;
        double target = topP * total;

        // The crossing bucket: the mass of better buckets is below the target, adding this one reaches it.
        int crossing = 0;
        double before = 0;
        while (crossing < Buckets - 1 && before + mass[crossing] < target) before += mass[crossing++];

        var inBucket = scratch.Tokens(z.Length);
        int count = 0;
        for (int i = 0; i < z.Length; i++)
            if (weights[i] > 0f && Bucket(z[i]) == crossing) inBucket[count++] = new ScoredToken(i, z[i]);
        var sorted = inBucket[..count];
        sorted.Sort(ScoredToken.BestFirst);
        int kept = 0;
        while (kept < count && before < target) before += weights[sorted[kept++].Id];
        if (kept == 0) return; // only with degenerate (all-zero) weights

        // Buckets are monotone in z, so "z >= the last kept token's z" keeps exactly the better buckets and the walked
        // prefix, except ties with that token further down the sorted list, zeroed next.
        SamplingDistribution.KeepAtLeast(z, weights, sorted[kept - 1].Score, 0f);
        foreach (var t in sorted[kept..]) weights[t.Id] = 0f;
    }

    // Higher z → lower (or equal) bucket; z <= 0 here, and every token with weight > 0 has a finite z.
    private static int Bucket(float z) => Math.Min(Buckets - 1, (int)(-z * BucketsPerUnitZ));
}
