namespace Engine.Sampling;

/// <summary>A token id with a score (logit), ordered best first: higher score, then lower id (deterministic ties).</summary>
internal readonly record struct ScoredToken(int Id, float Score)
{
    public static int BestFirst(ScoredToken a, ScoredToken b)
    {
        int c = b.Score.CompareTo(a.Score);
        return c != 0 ? c : a.Id.CompareTo(b.Id);
    }

    public bool IsBetterThan(ScoredToken other) =>
        Score > other.Score || (Score == other.Score && Id < other.Id);
}
