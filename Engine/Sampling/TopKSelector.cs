namespace Engine.Sampling;

/// <summary>Partial selection of the k best scores in O(n log k), so no full sort of the vocabulary is needed.</summary>
internal static class TopKSelector
{
    /// <summary>Writes the k best tokens of <paramref name="scores"/>, best first (ties: lower id first), into dest[..k].</summary>
    public static void Largest(ReadOnlySpan<float> scores, int k, Span<ScoredToken> dest)
    {
        if (k <= 0) return;
        if (k > scores.Length) throw new ArgumentOutOfRangeException(nameof(k));
        // A min-heap of the k best seen so far: its root is the worst of them, the one to evict.
        var heap = dest[..k];
        for (int i = 0; i < k; i++) heap[i] = new ScoredToken(i, scores[i]);
        for (int i = k / 2 - 1; i >= 0; i--) SiftDown(heap, i);
        for (int i = k; i < scores.Length; i++)
        {
            // Later ids lose ties, so only a strictly higher score gets in; this compare is the hot path.
            if (scores[i] > heap[0].Score)
            {
                heap[0] = new ScoredToken(i, scores[i]);
                SiftDown(heap, 0);
            }
        }
        heap.Sort(ScoredToken.BestFirst);
    }

    private static void SiftDown(Span<ScoredToken> heap, int i)
    {
        while (true)
        {
            int worst = i, left = 2 * i + 1, right = left + 1;
            if (left < heap.Length && heap[worst].IsBetterThan(heap[left])) worst = left;
            if (right < heap.Length && heap[worst].IsBetterThan(heap[right])) worst = right;
            if (worst == i) return;
            (heap[i], heap[worst]) = (heap[worst], heap[i]);
            i = worst;
        }
    }
}
