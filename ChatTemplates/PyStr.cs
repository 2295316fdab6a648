using System.Text;

namespace ChatTemplates;

/// <summary>
/// Python str semantics on .NET strings: Python counts and indexes code points, not UTF-16 units, and
/// has its own idea of whitespace, title case and line breaks.
/// </summary>
internal static class PyStr
{
    /// <summary>Python's str.isspace for one character (.NET misses \x1c-\x1f).</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    public static bool AllSpace(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
            if (!IsSpace(c)) return false;
        return true;
    }

    public static string Strip(string s, string? chars) => RStrip(LStrip(s, chars), chars);

    public static string LStrip(string s, string? chars = null)
    {
        var i = 0;
        while (i < s.Length && (chars is null ? IsSpace(s[i]) : chars.Contains(s[i]))) i++;
        return s[i..];
    }

    public static string RStrip(string s, string? chars = null)
    {
        var i = s.Length;
        while (i > 0 && (chars is null ? IsSpace(s[i - 1]) : chars.Contains(s[i - 1]))) i--;
        return s[..i];
    }

    private static bool HasSurrogates(string s)
    {
        foreach (var c in s)
            if (char.IsSurrogate(c)) return true;
        return false;
    }

    /// <summary>The string as Python sees it: one element per code point.</summary>
    public static string[] CodePoints(string s)
    {
        var result = new List<string>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                result.Add(s.Substring(i, 2));
                i++;
            }
            else result.Add(s[i].ToString());
        }
        return [.. result];
    }

    public static int Length(string s) => HasSurrogates(s) ? CodePoints(s).Length : s.Length;

    /// <summary>s[index] with Python's negative indexing; null when out of range.</summary>
    public static string? At(string s, long index)
    {
        if (!HasSurrogates(s))
        {
            if (index < 0) index += s.Length;
            return index >= 0 && index < s.Length ? s[(int)index].ToString() : null;
        }
        var cps = CodePoints(s);
        if (index < 0) index += cps.Length;
        return index >= 0 && index < cps.Length ? cps[index] : null;
    }

    public static string Slice(string s, long? start, long? stop, long? step)
    {
        if (!HasSurrogates(s))
        {
            var sb = new StringBuilder();
            foreach (var i in PySlice.Indices(s.Length, start, stop, step)) sb.Append(s[i]);
            return sb.ToString();
        }
        var cps = CodePoints(s);
        return string.Concat(PySlice.Indices(cps.Length, start, stop, step).Select(i => cps[i]));
    }

    /// <summary>Python str.title(): a letter after a cased letter is lowered, any other letter raised.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var c in s)
        {
            var cased = char.IsUpper(c) || char.IsLower(c) || char.IsLetter(c) && char.ToUpperInvariant(c) != char.ToLowerInvariant(c);
            sb.Append(!cased ? c : previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = cased;
        }
        return sb.ToString();
    }

    /// <summary>Python str.capitalize(): first character upper, the rest lower.</summary>
    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    private static bool IsLineBreak(char c) => c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029';

    /// <summary>Python str.splitlines().</summary>
    public static List<string> SplitLines(string s, bool keepEnds = false)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (!IsLineBreak(s[i])) continue;
            var endOfBreak = s[i] == '\r' && i + 1 < s.Length && s[i + 1] == '\n' ? i + 2 : i + 1;
            lines.Add(s[start..(keepEnds ? endOfBreak : i)]);
            start = endOfBreak;
            i = endOfBreak - 1;
        }
        if (start < s.Length) lines.Add(s[start..]);
        return lines;
    }

    /// <summary>Python str.split(sep, maxsplit); sep null splits on runs of whitespace.</summary>
    public static List<object?> Split(string s, string? sep, long maxSplit)
    {
        var parts = new List<object?>();
        if (sep is null)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && IsSpace(s[i])) i++;
                if (i >= s.Length) break;
                if (maxSplit >= 0 && parts.Count >= maxSplit)
                {
                    parts.Add(s[i..]);
                    break;
                }
                var start = i;
                while (i < s.Length && !IsSpace(s[i])) i++;
                parts.Add(s[start..i]);
            }
            return parts;
        }
        if (sep.Length == 0) throw TemplateException.Type("empty separator");
        var from = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            var at = s.IndexOf(sep, from, StringComparison.Ordinal);
            if (at < 0) break;
            parts.Add(s[from..at]);
            from = at + sep.Length;
        }
        parts.Add(s[from..]);
        return parts;
    }

    /// <summary>Python str.rsplit(sep, maxsplit).</summary>
    public static List<object?> RSplit(string s, string? sep, long maxSplit)
    {
        if (maxSplit < 0) return Split(s, sep, maxSplit);
        var parts = new List<object?>();
        if (sep is null)
        {
            var i = s.Length;
            while (true)
            {
                while (i > 0 && IsSpace(s[i - 1])) i--;
                if (i <= 0) break;
                if (parts.Count >= maxSplit)
                {
                    parts.Add(s[..i]);
                    break;
                }
                var end = i;
                while (i > 0 && !IsSpace(s[i - 1])) i--;
                parts.Add(s[i..end]);
            }
        }
        else
        {
            if (sep.Length == 0) throw TemplateException.Type("empty separator");
            var to = s.Length;
            while (parts.Count < maxSplit)
            {
                var at = to - sep.Length < 0 ? -1 : s.LastIndexOf(sep, to - sep.Length, StringComparison.Ordinal);
                if (at < 0) break;
                parts.Add(s[(at + sep.Length)..to]);
                to = at;
            }
            parts.Add(s[..to]);
        }
        parts.Reverse();
        return parts;
    }

    /// <summary>Python str.replace(old, new, count); an empty old inserts between characters.</summary>
    public static string Replace(string s, string oldValue, string newValue, long count = -1)
    {
        if (count == 0) return s;
        if (oldValue.Length == 0)
        {
            var cps = CodePoints(s);
            var sb = new StringBuilder();
            long done = 0;
            foreach (var cp in cps)
            {
                if (count < 0 || done < count) { sb.Append(newValue); done++; }
                sb.Append(cp);
            }
            if (count < 0 || done < count) sb.Append(newValue);
            return sb.ToString();
        }
        if (count < 0) return s.Replace(oldValue, newValue, StringComparison.Ordinal);
        var result = new StringBuilder();
        var from = 0;
        for (long n = 0; n < count; n++)
        {
            var at = s.IndexOf(oldValue, from, StringComparison.Ordinal);
            if (at < 0) break;
            result.Append(s, from, at - from).Append(newValue);
            from = at + oldValue.Length;
        }
        return result.Append(s, from, s.Length - from).ToString();
    }

    // Python's str.isprintable(): no control, format, surrogate, private, unassigned or separator
    // characters (the plain space is handled by the caller).
    private static bool IsPrintable(System.Globalization.UnicodeCategory category) => category is not (
        System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format or
        System.Globalization.UnicodeCategory.Surrogate or System.Globalization.UnicodeCategory.PrivateUse or
        System.Globalization.UnicodeCategory.OtherNotAssigned or System.Globalization.UnicodeCategory.LineSeparator or
        System.Globalization.UnicodeCategory.ParagraphSeparator or System.Globalization.UnicodeCategory.SpaceSeparator);

    /// <summary>Python repr() of a str: single quotes unless the text has ' and no ".</summary>
    public static string Repr(string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2).Append(quote);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote) sb.Append('\\').Append(c);
                    else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    {
                        var cp = char.ConvertToUtf32(c, s[i + 1]);
                        if (IsPrintable(System.Globalization.CharUnicodeInfo.GetUnicodeCategory(cp))) sb.Append(c).Append(s[i + 1]);
                        else sb.Append($"\\U{cp:x8}");
                        i++;
                    }
                    else if (c != ' ' && !IsPrintable(char.GetUnicodeCategory(c)))
                        sb.Append(c < 0x100 ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append(quote).ToString();
    }
}
