using System.Globalization;
using System.Text;

namespace ChatTemplates;

/// <summary>
/// Jinja2's built-in filters (<c>value|name(args)</c>) that chat templates use, with Jinja's argument
/// names and defaults, plus Hugging Face's tojson. Lazy generators (map, select...) are returned as
/// lists, which iterate, test and <c>|list</c> the same way.
/// </summary>
internal static class Filters
{
    public delegate object? Filter(object? value, Arguments args);

    private static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
    {
        ["abs"] = (v, _) => Abs(v),
        ["attr"] = (v, a) => Attributes.GetPythonAttr(v, PyFormat.Str(a.Get(0, "name"))),
        ["batch"] = (v, a) => Batch(v, Int(a.Get(0, "linecount")), a.Has(1, "fill_with") ? a.Get(1, "fill_with") : NoFill),
        ["capitalize"] = (v, _) => PyStr.Capitalize(PyFormat.Str(v)),
        ["center"] = (v, a) => StringMethods.Pad(PyFormat.Str(v), (int)Int(a.Get(0, "width", 80L)), ' ', 'c'),
        ["count"] = (v, _) => PyOps.Length(v),
        ["length"] = (v, _) => PyOps.Length(v),
        ["default"] = Default,
        ["d"] = Default,
        ["dictsort"] = DictSort,
        ["escape"] = (v, _) => Escape(v),
        ["e"] = (v, _) => Escape(v),
        ["forceescape"] = (v, _) => Escape(v),
        ["first"] = (v, _) => PyOps.Iterate(v) is { Count: > 0 } items ? items[0] : Undefined.Hint("No first item, sequence was empty."),
        ["last"] = (v, _) => PyOps.Iterate(v) is { Count: > 0 } items ? items[^1] : Undefined.Hint("No last item, sequence was empty."),
        ["float"] = (v, a) => ToFloat(v, a.Get(0, "default", 0.0)),
        ["format"] = Format,
        ["indent"] = Indent,
        ["int"] = (v, a) => ToInt(v, a.Get(0, "default", 0L), Int(a.Get(1, "base", 10L))),
        ["items"] = (v, _) => v switch
        {
            Undefined => new List<object?>(),
            DictValue d => d.Items.Select(p => (object?)new TupleValue([p.Key, p.Value])).ToList(),
            _ => throw TemplateException.Type("Can only get item pairs from a mapping."),
        },
        ["join"] = Join,
        ["list"] = (v, _) => PyOps.Iterate(v).ToList(),
        ["lower"] = (v, _) => PyFormat.Str(v).ToLowerInvariant(),
        ["upper"] = (v, _) => PyFormat.Str(v).ToUpperInvariant(),
        ["map"] = Map,
        ["max"] = (v, a) => MinMax(v, a, max: true),
        ["min"] = (v, a) => MinMax(v, a, max: false),
        ["pprint"] = (v, _) => PyFormat.Repr(v),
        ["reject"] = (v, a) => Select(v, a, expected: false, byAttribute: false),
        ["rejectattr"] = (v, a) => Select(v, a, expected: false, byAttribute: true),
        ["select"] = (v, a) => Select(v, a, expected: true, byAttribute: false),
        ["selectattr"] = (v, a) => Select(v, a, expected: true, byAttribute: true),
        ["replace"] = (v, a) => PyStr.Replace(PyFormat.Str(v), PyFormat.Str(a.Get(0, "old")), PyFormat.Str(a.Get(1, "new")),
            a.Get(2, "count") is { } c ? Int(c) : -1),
        ["reverse"] = (v, _) => v is string s ? string.Concat(PyStr.CodePoints(s).Reverse()) : PyOps.Iterate(v).Reverse().ToList(),
        ["round"] = Round,
        ["safe"] = (v, _) => PyFormat.Str(v),
        ["slice"] = Slice,
        ["sort"] = Sort,
        ["string"] = (v, _) => PyFormat.Str(v),
        ["sum"] = Sum,
        ["title"] = (v, _) => Title(PyFormat.Str(v)),
        ["tojson"] = (v, a) => Json.ToJson(v, a),
        ["trim"] = (v, a) => PyStr.Strip(PyFormat.Str(v), a.Get(0, "chars") is { } c ? PyFormat.Str(c) : null),
        ["truncate"] = Truncate,
        ["unique"] = Unique,
        ["wordcount"] = (v, _) => (long)WordCount(PyFormat.Str(v)),
    };

    private static readonly object NoFill = new();

    public static bool TryGet(string name, out Filter filter) => All.TryGetValue(name, out filter!);

    private static long Int(object? value) => PyOps.IsInt(value)
        ? PyOps.AsLong(value)
        : throw TemplateException.Type($"{PyFormat.Repr(PyFormat.TypeName(value))} object cannot be interpreted as an integer");

    // ---------------------------------------------------------------- attribute getters

    /// <summary>Jinja's make_attrgetter: "a.b.0" walks items (getitem), digits become indices.</summary>
    internal static Func<object?, object?> AttrGetter(object? attribute, bool ignoreCase = false, object? defaultValue = null)
    {
        var parts = attribute switch
        {
            null => [],
            string s => s.Split('.').Select(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? (object?)n : p).ToArray(),
            _ => [attribute],
        };
        return item =>
        {
            foreach (var part in parts)
            {
                item = Attributes.GetItem(item, part);
                if (defaultValue is not null && item is Undefined) item = defaultValue;
            }
            return ignoreCase && item is string str ? str.ToLowerInvariant() : item;
        };
    }

    /// <summary>make_multi_attrgetter: "a,b" sorts by several keys.</summary>
    private static Func<object?, object?> MultiAttrGetter(object? attribute, bool ignoreCase)
    {
        if (attribute is not string s || !s.Contains(',')) return AttrGetter(attribute, ignoreCase);
        var getters = s.Split(',').Select(part => AttrGetter(part, ignoreCase)).ToList();
        return item => getters.Select(g => g(item)).ToList();
    }

    /// <summary>Python's sorted(items, key=key, reverse=reverse): stable, comparing with Python's "&lt;"
    /// as CPython's binary insertion sort does (new item first), so a TypeError names the types in
    /// the same order. Reverse sorts the reversed list and reverses back, keeping equal items in order.</summary>
    private static List<object?> Sorted(IEnumerable<object?> items, Func<object?, object?> key, bool reverse)
    {
        var pairs = items.Select(item => (Key: key(item), Item: item)).ToList();
        if (reverse) pairs.Reverse();
        for (var i = 1; i < pairs.Count; i++)
        {
            var pivot = pairs[i];
            int lo = 0, hi = i;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (PyOps.Compare(pivot.Key, pairs[mid].Key) < 0) hi = mid;
                else lo = mid + 1;
            }
            pairs.RemoveAt(i);
            pairs.Insert(lo, pivot);
        }
        if (reverse) pairs.Reverse();
        return pairs.Select(p => p.Item).ToList();
    }

    // ---------------------------------------------------------------- filters

    private static object? Abs(object? v) => v switch
    {
        bool or long => (object)Math.Abs(PyOps.AsLong(v)),
        double d => (object)Math.Abs(d),
        Undefined u => throw u.Error(),
        _ => throw TemplateException.Type($"bad operand type for abs(): {PyFormat.Repr(PyFormat.TypeName(v))}"),
    };

    private static object? Default(object? v, Arguments a)
    {
        var fallback = a.Get(0, "default_value", "");
        return v is Undefined || (PyOps.Truthy(a.Get(1, "boolean", false)) && !PyOps.Truthy(v)) ? fallback : v;
    }

    private static object? DictSort(object? v, Arguments a)
    {
        if (v is not DictValue d) throw TemplateException.Type("You can only sort by either 'key' or 'value'");
        var caseSensitive = PyOps.Truthy(a.Get(0, "case_sensitive", false));
        var position = PyFormat.Str(a.Get(1, "by", "key")) switch
        {
            "key" => 0,
            "value" => 1,
            _ => throw TemplateException.Type("You can only sort by either 'key' or 'value'"),
        };
        var reverse = PyOps.Truthy(a.Get(2, "reverse", false));
        var pairs = d.Items.Select(p => (object?)new TupleValue([p.Key, p.Value]));
        return Sorted(pairs, t => ((TupleValue)t!)[position] is var v && !caseSensitive && v is string s ? s.ToLowerInvariant() : v, reverse);
    }

    private static string Escape(object? v)
    {
        var s = PyFormat.Str(v);
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&#34;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    private static object? Batch(object? v, long size, object? fill)
    {
        if (size <= 0) throw TemplateException.Type("batch size must be positive");
        var result = new List<object?>();
        List<object?>? current = null;
        foreach (var item in PyOps.Iterate(v))
        {
            current ??= [];
            current.Add(item);
            if (current.Count == size)
            {
                result.Add(current);
                current = null;
            }
        }
        if (current is not null)
        {
            if (fill != NoFill)
                while (current.Count < size) current.Add(fill);
            result.Add(current);
        }
        return result;
    }

    private static object? Slice(object? v, Arguments a)
    {
        var seq = PyOps.Iterate(v);
        var slices = Int(a.Get(0, "slices"));
        if (slices == 0) throw TemplateException.Type("integer division or modulo by zero");
        if (slices < 0) return new List<object?>();
        var hasFill = a.Has(1, "fill_with") && a.Get(1, "fill_with") is not null;
        var perSlice = seq.Count / (int)slices;
        var withExtra = seq.Count % (int)slices;
        var offset = 0;
        var result = new List<object?>();
        for (var n = 0; n < slices; n++)
        {
            var start = offset + n * perSlice;
            if (n < withExtra) offset++;
            var end = offset + (n + 1) * perSlice;
            var part = seq.Skip(start).Take(end - start).ToList();
            if (hasFill && n >= withExtra) part.Add(a.Get(1, "fill_with"));
            result.Add(part);
        }
        return result;
    }

    private static object? ToFloat(object? v, object? fallback)
    {
        switch (v)
        {
            case Undefined u: throw u.Error();
            case bool or long or double: return PyOps.AsDouble(v);
            case string s: return ParseFloat(s) ?? fallback;
            default: return fallback;
        }
    }

    /// <summary>Python float(str): surrounding whitespace, underscores between digits, inf/nan words.</summary>
    internal static double? ParseFloat(string s)
    {
        s = PyStr.Strip(s, null);
        var lower = s.ToLowerInvariant().TrimStart('+', '-');
        var negative = s.StartsWith('-');
        if (lower is "inf" or "infinity") return negative ? double.NegativeInfinity : double.PositiveInfinity;
        if (lower == "nan") return double.NaN;
        if (s.Contains("__") || s.StartsWith('_') || s.EndsWith('_')) return null;
        s = s.Replace("_", "");
        if (s.Length == 0 || !s.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-')) return null;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    private static object? ToInt(object? v, object? fallback, long numberBase)
    {
        switch (v)
        {
            case Undefined u: throw u.Error();
            case bool or long: return PyOps.AsLong(v);
            case double d: return double.IsFinite(d) ? (long)Math.Truncate(d) : fallback;
            case string s:
                // Jinja's quirk: "42.23"|int is 42 (int() fails, int(float()) works).
                if (ParseInt(s, numberBase) is { } n) return n;
                return ParseFloat(s) is { } f && double.IsFinite(f) ? (long)Math.Truncate(f) : fallback;
            default: return fallback;
        }
    }

    /// <summary>Python int(str, base), base 0 meaning "from the prefix".</summary>
    private static long? ParseInt(string s, long numberBase)
    {
        s = PyStr.Strip(s, null);
        var negative = false;
        if (s.StartsWith('-') || s.StartsWith('+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        var lower = s.ToLowerInvariant();
        int? prefixBase = lower.StartsWith("0x") ? 16 : lower.StartsWith("0o") ? 8 : lower.StartsWith("0b") ? 2 : null;
        if (prefixBase is { } p && (numberBase == 0 || numberBase == p))
        {
            numberBase = p;
            s = s[2..].TrimStart('_');
        }
        else if (numberBase == 0) numberBase = 10;
        if (s.Length == 0 || s.StartsWith('_') || s.EndsWith('_') || s.Contains("__") || numberBase is < 2 or > 36) return null;
        long value = 0;
        foreach (var c in s.Replace("_", ""))
        {
            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? char.ToLowerInvariant(c) - 'a' + 10 : 99;
            if (digit >= numberBase) return null;
            try { value = checked(value * numberBase + digit); }
            catch (OverflowException) { return null; }
        }
        return negative ? -value : value;
    }

    private static object? Format(object? v, Arguments a)
    {
        if (a.Positional.Count > 0 && a.Named.Count > 0)
            throw TemplateException.Type("can't handle positional and keyword arguments at the same time");
        object? args;
        if (a.Named.Count > 0)
        {
            var d = new DictValue();
            foreach (var (k, value) in a.Named) d[k] = value;
            args = d;
        }
        else args = new TupleValue(a.Positional);
        return StringFormatting.Percent(PyFormat.Str(v), args);
    }

    private static object? Indent(object? v, Arguments a)
    {
        var width = a.Get(0, "width", 4L);
        var indentation = width is string w ? w : new string(' ', (int)Math.Max(0, Int(width)));
        var first = PyOps.Truthy(a.Get(1, "first", false));
        var blank = PyOps.Truthy(a.Get(2, "blank", false));
        // Jinja appends a newline before splitlines() so a trailing newline survives.
        var lines = PyStr.SplitLines(PyFormat.Str(v) + "\n");
        string result;
        if (blank) result = string.Join("\n" + indentation, lines);
        else
        {
            result = lines[0];
            if (lines.Count > 1)
                result += "\n" + string.Join("\n", lines.Skip(1).Select(line => line.Length > 0 ? indentation + line : line));
        }
        return first ? indentation + result : result;
    }

    private static object? Join(object? v, Arguments a)
    {
        var separator = PyFormat.Str(a.Get(0, "d", ""));
        IEnumerable<object?> items = PyOps.Iterate(v);
        if (a.Get(1, "attribute") is { } attribute) items = items.Select(AttrGetter(attribute));
        return string.Join(separator, items.Select(PyFormat.Str));
    }

    private static object? Map(object? v, Arguments a)
    {
        var items = PyOps.Truthy(v) ? PyOps.Iterate(v) : [];
        Func<object?, object?> func;
        if (a.Positional.Count == 0 && a.Named.ContainsKey("attribute"))
        {
            func = AttrGetter(a.Named["attribute"], defaultValue: a.Named.GetValueOrDefault("default"));
        }
        else
        {
            var name = PyFormat.Str(a.Get(0, "name"));
            if (!TryGet(name, out var filter)) throw TemplateException.Type($"No filter named {PyFormat.Repr(name)}.");
            var rest = a.Skip(1);
            func = item => filter(item, rest);
        }
        return items.Select(func).ToList();
    }

    private static object? Select(object? v, Arguments a, bool expected, bool byAttribute)
    {
        var items = PyOps.Truthy(v) ? PyOps.Iterate(v) : [];
        var offset = 0;
        Func<object?, object?> getter = x => x;
        if (byAttribute)
        {
            getter = AttrGetter(a.Get(0, "attr"));
            offset = 1;
        }
        Func<object?, bool> test;
        if (a.Positional.Count > offset)
        {
            var name = PyFormat.Str(a.Positional[offset]);
            if (!Tests.TryGet(name, out var t)) throw TemplateException.Type($"No test named {PyFormat.Repr(name)}.");
            var rest = a.Skip(offset + 1);
            test = x => t(x, rest);
        }
        else test = PyOps.Truthy;
        return items.Where(item => test(getter(item)) == expected).ToList();
    }

    private static object? MinMax(object? v, Arguments a, bool max)
    {
        var items = PyOps.Iterate(v);
        if (items.Count == 0) return Undefined.Hint("No aggregated item, sequence was empty.");
        var key = AttrGetter(a.Get(1, "attribute"), ignoreCase: !PyOps.Truthy(a.Get(0, "case_sensitive", false)));
        var best = items[0];
        var bestKey = key(best);
        foreach (var item in items.Skip(1))
        {
            var k = key(item);
            var c = PyOps.Compare(k, bestKey);
            if (max ? c > 0 : c < 0) (best, bestKey) = (item, k);
        }
        return best;
    }

    private static object? Round(object? v, Arguments a)
    {
        var precision = (int)Int(a.Get(0, "precision", 0L));
        var method = PyFormat.Str(a.Get(1, "method", "common"));
        if (v is Undefined u) throw u.Error();
        if (!PyOps.IsNumber(v)) throw TemplateException.Type($"type {PyFormat.TypeName(v)} doesn't define __round__ method");
        switch (method)
        {
            case "common":
                // Python's round(): ints stay ints, floats round half to even.
                if (PyOps.IsInt(v)) return RoundInt(PyOps.AsLong(v), precision);
                var d = PyOps.AsDouble(v);
                return precision >= 0 && precision <= 15 ? Math.Round(d, precision, MidpointRounding.ToEven)
                    : Math.Round(d / Math.Pow(10, -precision), MidpointRounding.ToEven) * Math.Pow(10, -precision);
            case "ceil" or "floor":
                var scale = Math.Pow(10, precision);
                var scaled = PyOps.AsDouble(v) * scale;
                return (method == "ceil" ? Math.Ceiling(scaled) : Math.Floor(scaled)) / scale;
            default:
                throw TemplateException.Type("method must be common, ceil or floor");
        }
    }

    private static long RoundInt(long value, int precision)
    {
        if (precision >= 0) return value;
        if (precision < -18) return 0;
        var factor = (long)Math.Pow(10, -precision);
        var quotient = Math.DivRem(value, factor, out var remainder);
        // Half to even, with the remainder's sign following the value.
        var twice = Math.Abs(remainder) * 2;
        if (twice > factor || (twice == factor && quotient % 2 != 0)) quotient += Math.Sign(value);
        return quotient * factor;
    }

    private static object? Sort(object? v, Arguments a)
    {
        var reverse = PyOps.Truthy(a.Get(0, "reverse", false));
        var caseSensitive = PyOps.Truthy(a.Get(1, "case_sensitive", false));
        var key = MultiAttrGetter(a.Get(2, "attribute"), ignoreCase: !caseSensitive);
        return Sorted(PyOps.Iterate(v), key, reverse);
    }

    private static object? Sum(object? v, Arguments a)
    {
        object? total = a.Get(1, "start", 0L);
        IEnumerable<object?> items = PyOps.Iterate(v);
        if (a.Get(0, "attribute") is { } attribute) items = items.Select(AttrGetter(attribute));
        foreach (var item in items) total = PyOps.Binary("+", total, item);
        return total;
    }

    /// <summary>Jinja's title filter: capitalises each part after "-", whitespace, or an opening bracket
    /// (unlike Python's str.title, so "o'neil" stays "O'neil").</summary>
    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var atWordStart = true;
        foreach (var c in s)
        {
            if (c is '-' or '(' or '{' or '[' or '<' || PyStr.IsSpace(c))
            {
                sb.Append(c);
                atWordStart = true;
            }
            else
            {
                sb.Append(atWordStart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
                atWordStart = false;
            }
        }
        return sb.ToString();
    }

    private static object? Truncate(object? v, Arguments a)
    {
        var s = PyFormat.Str(v);
        var length = Int(a.Get(0, "length", 255L));
        var killWords = PyOps.Truthy(a.Get(1, "killwords", false));
        var end = PyFormat.Str(a.Get(2, "end", "..."));
        var leeway = a.Get(3, "leeway") is { } l ? Int(l) : 5;
        if (length < end.Length) throw TemplateException.Type($"expected length >= {end.Length}, got {length}");
        if (PyStr.Length(s) <= length + leeway) return s;
        var head = PyStr.Slice(s, 0, length - end.Length, null);
        if (killWords) return head + end;
        var space = head.LastIndexOf(' ');
        return (space >= 0 ? head[..space] : head) + end;
    }

    private static object? Unique(object? v, Arguments a)
    {
        var key = AttrGetter(a.Get(1, "attribute"), ignoreCase: !PyOps.Truthy(a.Get(0, "case_sensitive", false)));
        var seen = new DictValue();
        var result = new List<object?>();
        foreach (var item in PyOps.Iterate(v))
        {
            var k = key(item);
            if (seen.ContainsKey(k)) continue;
            seen[k] = null;
            result.Add(item);
        }
        return result;
    }

    private static int WordCount(string s)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in s)
        {
            var word = char.IsLetterOrDigit(c) || c == '_';
            if (word && !inWord) count++;
            inWord = word;
        }
        return count;
    }
}
