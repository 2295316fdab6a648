namespace ChatTemplates;

/// <summary>The Python str methods real chat templates call, e.g. <c>content.strip()</c>,
/// <c>role.title()</c>, <c>text.split('\n')</c>, <c>s.startswith('x')</c>.</summary>
internal static class StringMethods
{
    public static BuiltinFunction? Get(string s, string name)
    {
        Func<Arguments, object?>? body = name switch
        {
            "strip" => a => PyStr.Strip(s, OptionalString(a.Get(0, "chars"))),
            "lstrip" => a => PyStr.LStrip(s, OptionalString(a.Get(0, "chars"))),
            "rstrip" => a => PyStr.RStrip(s, OptionalString(a.Get(0, "chars"))),
            "split" => a => PyStr.Split(s, OptionalString(a.Get(0, "sep")), Int(a.Get(1, "maxsplit", -1L))),
            "rsplit" => a => PyStr.RSplit(s, OptionalString(a.Get(0, "sep")), Int(a.Get(1, "maxsplit", -1L))),
            "splitlines" => a => PyStr.SplitLines(s, PyOps.Truthy(a.Get(0, "keepends", false))).Cast<object?>().ToList(),
            "startswith" => a => Affix(s, a, (text, p) => text.StartsWith(p, StringComparison.Ordinal)),
            "endswith" => a => Affix(s, a, (text, p) => text.EndsWith(p, StringComparison.Ordinal)),
            "upper" => _ => s.ToUpperInvariant(),
            "lower" => _ => s.ToLowerInvariant(),
            "casefold" => _ => s.ToLowerInvariant(),
            "title" => _ => PyStr.Title(s),
            "capitalize" => _ => PyStr.Capitalize(s),
            "swapcase" => _ => string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))),
            "replace" => a => PyStr.Replace(s, String(a.Get(0, "old")), String(a.Get(1, "new")), Int(a.Get(2, "count", -1L))),
            "find" => a => (long)Window(s, a).IndexOf(String(a.Get(0, "sub")), StringComparison.Ordinal) is var i && i >= 0 ? i + WindowStart(s, a) : -1L,
            "rfind" => a => (long)Window(s, a).LastIndexOf(String(a.Get(0, "sub")), StringComparison.Ordinal) is var i && i >= 0 ? i + WindowStart(s, a) : -1L,
            "index" => a => Window(s, a).IndexOf(String(a.Get(0, "sub")), StringComparison.Ordinal) is var i && i >= 0
                ? (long)i + WindowStart(s, a) : throw TemplateException.Type("substring not found"),
            "rindex" => a => Window(s, a).LastIndexOf(String(a.Get(0, "sub")), StringComparison.Ordinal) is var i && i >= 0
                ? (long)i + WindowStart(s, a) : throw TemplateException.Type("substring not found"),
            "count" => a => Count(Window(s, a), String(a.Get(0, "sub"))),
            "join" => a => Join(s, a.Get(0, "iterable")),
            "isdigit" or "isnumeric" or "isdecimal" => _ => s.Length > 0 && s.All(char.IsDigit),
            "isalpha" => _ => s.Length > 0 && s.All(char.IsLetter),
            "isalnum" => _ => s.Length > 0 && s.All(char.IsLetterOrDigit),
            "isspace" => _ => s.Length > 0 && PyStr.AllSpace(s),
            "isupper" => _ => s.Any(char.IsUpper) && !s.Any(char.IsLower),
            "islower" => _ => s.Any(char.IsLower) && !s.Any(char.IsUpper),
            "istitle" => _ => s.Any(char.IsLetter) && PyStr.Title(s) == s,
            "zfill" => a => ZFill(s, (int)Int(a.Get(0, "width"))),
            "center" => a => Pad(s, (int)Int(a.Get(0, "width")), Fill(a), 'c'),
            "ljust" => a => Pad(s, (int)Int(a.Get(0, "width")), Fill(a), 'l'),
            "rjust" => a => Pad(s, (int)Int(a.Get(0, "width")), Fill(a), 'r'),
            "partition" => a => Partition(s, String(a.Get(0, "sep")), fromEnd: false),
            "rpartition" => a => Partition(s, String(a.Get(0, "sep")), fromEnd: true),
            "removeprefix" => a => String(a.Get(0, "prefix")) is var p && s.StartsWith(p, StringComparison.Ordinal) ? s[p.Length..] : s,
            "removesuffix" => a => String(a.Get(0, "suffix")) is var p && p.Length > 0 && s.EndsWith(p, StringComparison.Ordinal) ? s[..^p.Length] : s,
            "format" => a => StringFormatting.Format(s, a),
            _ => null,
        };
        return body is null ? null : new BuiltinFunction(name, body);
    }

    private static string String(object? value) => value as string ??
        throw TemplateException.Type($"must be str, not {PyFormat.TypeName(value)}");

    private static string? OptionalString(object? value) => value is null or string ? (string?)value :
        throw TemplateException.Type($"must be str or None, not {PyFormat.TypeName(value)}");

    private static long Int(object? value) => PyOps.IsInt(value)
        ? PyOps.AsLong(value)
        : throw TemplateException.Type($"{PyFormat.Repr(PyFormat.TypeName(value))} object cannot be interpreted as an integer");

    private static char Fill(Arguments a) => a.Get(1, "fillchar", " ") is string { Length: 1 } f
        ? f[0] : throw TemplateException.Type("The fill character must be exactly one character long");

    // Optional start/end arguments of find/count/startswith, with Python's clamping.
    private static int WindowStart(string s, Arguments a, int offset = 1)
    {
        var start = a.Get(offset, "start");
        if (start is null) return 0;
        var v = Int(start);
        if (v < 0) v = Math.Max(0, v + s.Length);
        return (int)Math.Min(v, s.Length);
    }

    private static string Window(string s, Arguments a, int offset = 1)
    {
        var start = WindowStart(s, a, offset);
        var endArg = a.Get(offset + 1, "end");
        var end = s.Length;
        if (endArg is not null)
        {
            var v = Int(endArg);
            if (v < 0) v = Math.Max(0, v + s.Length);
            end = (int)Math.Min(v, s.Length);
        }
        return end > start ? s[start..end] : "";
    }

    private static bool Affix(string s, Arguments a, Func<string, string, bool> test)
    {
        var window = Window(s, a);
        return a.Get(0, "prefix") switch
        {
            string p => test(window, p),
            TupleValue t => t.Any(p => test(window, String(p))),
            var other => throw TemplateException.Type($"startswith first arg must be str or a tuple of str, not {PyFormat.TypeName(other)}"),
        };
    }

    private static long Count(string s, string sub)
    {
        if (sub.Length == 0) return PyStr.Length(s) + 1;
        long n = 0;
        for (var i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    private static string Join(string separator, object? iterable)
    {
        var items = PyOps.Iterate(iterable);
        for (var i = 0; i < items.Count; i++)
            if (items[i] is not string)
                throw TemplateException.Type($"sequence item {i}: expected str instance, {PyFormat.TypeName(items[i])} found");
        return string.Join(separator, items.Cast<string>());
    }

    private static string ZFill(string s, int width)
    {
        if (s.Length >= width) return s;
        var sign = s.Length > 0 && s[0] is '+' or '-' ? 1 : 0;
        return s[..sign] + new string('0', width - s.Length) + s[sign..];
    }

    /// <summary>Python's center/ljust/rjust (center puts the odd extra space on the right... or left,
    /// exactly as CPython: left = pad/2 + (pad &amp; width &amp; 1)).</summary>
    public static string Pad(string s, int width, char fill, char mode)
    {
        var length = PyStr.Length(s);
        if (length >= width) return s;
        var pad = width - length;
        var left = mode switch { 'l' => 0, 'r' => pad, _ => pad / 2 + (pad & width & 1) };
        return new string(fill, left) + s + new string(fill, pad - left);
    }

    private static TupleValue Partition(string s, string sep, bool fromEnd)
    {
        if (sep.Length == 0) throw TemplateException.Type("empty separator");
        var at = fromEnd ? s.LastIndexOf(sep, StringComparison.Ordinal) : s.IndexOf(sep, StringComparison.Ordinal);
        if (at < 0) return fromEnd ? new TupleValue(["", "", s]) : new TupleValue([s, "", ""]);
        return new TupleValue([s[..at], sep, s[(at + sep.Length)..]]);
    }
}
