namespace Engine.Chat;

/// <summary>Finding markers (tags such as &lt;/think&gt; or &lt;tool_call&gt;, stop strings) in text that arrives in pieces.</summary>
public static class TextMarkers
{
    /// <summary>The earliest complete occurrence of any marker, or (-1, "").</summary>
    public static (int At, string Marker) First(string text, IReadOnlyList<string> markers)
    {
        var best = (At: -1, Marker: "");
        foreach (var marker in markers)
        {
            int at = text.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0 && (best.At < 0 || at < best.At)) best = (at, marker);
        }
        return best;
    }

    /// <summary>Length of the longest tail of <paramref name="text"/> that begins some marker (and may become it).</summary>
    public static int PartialTail(string text, IReadOnlyList<string> markers)
    {
        int longest = 0;
        foreach (var marker in markers)
            for (int length = Math.Min(marker.Length - 1, text.Length); length > longest; length--)
                if (marker.AsSpan(0, length).SequenceEqual(text.AsSpan(text.Length - length)))
                {
                    longest = length;
                    break;
                }
        return longest;
    }

    /// <summary>Where the run of whitespace that ends at <paramref name="end"/> begins.</summary>
    public static int WhitespaceStart(string text, int end)
    {
        while (end > 0 && char.IsWhiteSpace(text[end - 1])) end--;
        return end;
    }
}
