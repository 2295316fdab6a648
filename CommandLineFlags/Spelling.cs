namespace CommandLineFlags;

/// <summary>Closeness of spellings, case-insensitive, for "did you mean" suggestions.</summary>
public static class Spelling
{
    /// <summary>
    /// Edits (insert, delete, substitute, swap two adjacent letters) that turn <paramref name="a"/> into <paramref name="b"/>,
    /// ignoring case: the optimal string alignment distance, so a transposition such as "modle" for "model" costs 1.
    /// </summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }

    /// <summary>
    /// Whether <paramref name="typed"/> is plausibly a misspelling of <paramref name="known"/>: at most one edit per
    /// three letters of the known word (at least one edit).
    /// </summary>
    public static bool IsClose(string typed, string known) => Distance(typed, known) <= Math.Max(1, known.Length / 3);

    /// <summary>The candidate nearest to <paramref name="typed"/> among those close to it (the first of equals), or null.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates) =>
        candidates.Where(c => IsClose(typed, c)).MinBy(c => Distance(typed, c));
}
