namespace Engine.StructuredOutput.Automata;

/// <summary>
/// A set of Unicode scalar values as sorted, disjoint, non-adjacent ranges. Surrogates (U+D800–U+DFFF) are never
/// members: they are not characters and have no UTF-8 encoding.
/// </summary>
internal sealed class CodePointSet
{
    public const int MaxCodePoint = 0x10FFFF;

    private static readonly (int Low, int High)[] Surrogates = [(0xD800, 0xDFFF)];

    private CodePointSet(List<(int Low, int High)> ranges) => Ranges = ranges;

    public IReadOnlyList<(int Low, int High)> Ranges { get; }

    public static CodePointSet Empty { get; } = new([]);

    /// <summary>Every character.</summary>
    public static CodePointSet All { get; } = Of((0, MaxCodePoint));

    /// <summary>The Basic Multilingual Plane: characters that are one UTF-16 unit, which is what .NET's and
    /// JavaScript's regex classes match.</summary>
    public static CodePointSet Bmp { get; } = Of((0, 0xFFFF));

    public static CodePointSet Of(params IEnumerable<(int Low, int High)> ranges)
    {
        var list = new List<(int Low, int High)>();
        foreach (var (low, high) in ranges.Where(r => r.Low <= r.High).OrderBy(r => r.Low))
        {
            if (list.Count > 0 && low <= list[^1].High + 1) list[^1] = (list[^1].Low, Math.Max(list[^1].High, high));
            else list.Add((low, high));
        }
        return new CodePointSet(Subtract(list, Surrogates));
    }

    public static CodePointSet Char(int codePoint) => Of((codePoint, codePoint));

    public static CodePointSet Chars(string chars) => Of(EnumerateRunes(chars).Select(c => (c, c)));

    /// <summary>The characters whose UTF-16 unit <paramref name="predicate"/> accepts, within the BMP.</summary>
    public static CodePointSet Where(Func<char, bool> predicate)
    {
        var ranges = new List<(int, int)>();
        int start = -1;
        for (int c = 0; c <= 0x10000; c++)
        {
            bool member = c <= 0xFFFF && predicate((char)c);
            if (member && start < 0) start = c;
            else if (!member && start >= 0)
            {
                ranges.Add((start, c - 1));
                start = -1;
            }
        }
        return Of(ranges);
    }

    public bool IsEmpty => Ranges.Count == 0;

    public bool Contains(int codePoint)
    {
        foreach (var (low, high) in Ranges)
            if (codePoint >= low && codePoint <= high) return true;
        return false;
    }

    public CodePointSet Union(CodePointSet other) => Of(Ranges.Concat(other.Ranges));

    public CodePointSet Except(CodePointSet other) => new(Subtract([.. Ranges], other.Ranges));

    public CodePointSet Intersect(CodePointSet other) => Except(All.Except(other));

    public CodePointSet Complement() => All.Except(this);

    private static List<(int Low, int High)> Subtract(List<(int Low, int High)> ranges, IReadOnlyList<(int Low, int High)> remove)
    {
        var result = new List<(int, int)>();
        foreach (var (low, high) in ranges)
        {
            int start = low;
            foreach (var (rl, rh) in remove)
            {
                if (rh < start || rl > high) continue;
                if (rl > start) result.Add((start, rl - 1));
                start = Math.Max(start, rh + 1);
                if (start > high) break;
            }
            if (start <= high) result.Add((start, high));
        }
        return result;
    }

    private static IEnumerable<int> EnumerateRunes(string text)
    {
        foreach (var rune in text.EnumerateRunes()) yield return rune.Value;
    }
}
