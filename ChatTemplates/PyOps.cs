namespace ChatTemplates;

/// <summary>
/// Python semantics of the operators templates use: truthiness, ==, ordering, arithmetic, <c>in</c>,
/// iteration and len(). Errors carry Python's own messages.
/// </summary>
internal static class PyOps
{
    public static bool Truthy(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> l => l.Count > 0,
        TupleValue t => t.Count > 0,
        DictValue d => d.Count > 0,
        _ => true,
    };

    public static bool IsNumber(object? v) => v is bool or long or double;

    /// <summary>Python ints, with bool counting as int.</summary>
    public static bool IsInt(object? v) => v is bool or long;

    public static long AsLong(object? v) => v switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        _ => throw new InvalidCastException(),
    };

    public static double AsDouble(object? v) => v switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        double d => d,
        _ => throw new InvalidCastException(),
    };

    public static bool Equal(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        switch (a)
        {
            case null: return b is null;
            case Undefined: return b is Undefined;
            case string s: return b is string t && string.Equals(s, t, StringComparison.Ordinal);
            case List<object?> l: return b is List<object?> lb && SequenceEqual(l, lb);
            case TupleValue ta: return b is TupleValue tb && SequenceEqual(ta, tb);
            case DictValue d:
                if (b is not DictValue e || d.Count != e.Count) return false;
                foreach (var (key, value) in d.Items)
                    if (!e.TryGetValue(key, out var other) || !Equal(value, other)) return false;
                return true;
        }
        if (IsNumber(a) && IsNumber(b))
            return IsInt(a) && IsInt(b) ? AsLong(a) == AsLong(b) : AsDouble(a) == AsDouble(b);
        return Equals(a, b);
    }

    private static bool SequenceEqual(IReadOnlyList<object?> a, IReadOnlyList<object?> b)
    {
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
            if (!Equal(a[i], b[i])) return false;
        return true;
    }

    /// <summary>Python ordering (&lt; &lt;= &gt; &gt;=) as a sign; op is only for the error message.</summary>
    public static int Compare(object? a, object? b, string op = "<")
    {
        if (a is Undefined ua) throw ua.Error();
        if (b is Undefined ub) throw ub.Error();
        if (IsNumber(a) && IsNumber(b))
            return IsInt(a) && IsInt(b) ? AsLong(a).CompareTo(AsLong(b)) : AsDouble(a).CompareTo(AsDouble(b));
        if (a is string s && b is string t) return Math.Sign(string.CompareOrdinal(s, t));
        if ((a is List<object?> && b is List<object?>) || (a is TupleValue && b is TupleValue))
        {
            var x = (IReadOnlyList<object?>)a;
            var y = (IReadOnlyList<object?>)b;
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
                if (!Equal(x[i], y[i])) return Compare(x[i], y[i], op);
            return x.Count.CompareTo(y.Count);
        }
        throw TemplateException.Type(
            $"'{op}' not supported between instances of {PyFormat.Repr(PyFormat.TypeName(a))} and {PyFormat.Repr(PyFormat.TypeName(b))}");
    }

    public static bool Contains(object? container, object? item)
    {
        switch (container)
        {
            case Undefined: return false;
            case string s:
                if (item is not string t)
                    throw TemplateException.Type($"'in <string>' requires string as left operand, not {PyFormat.TypeName(item)}");
                return s.Contains(t, StringComparison.Ordinal);
            case List<object?> or TupleValue:
                return ((IReadOnlyList<object?>)container).Any(x => Equal(x, item));
            case DictValue d: return d.ContainsKey(item);
            default:
                throw TemplateException.Type($"argument of type {PyFormat.Repr(PyFormat.TypeName(container))} is not iterable");
        }
    }

    /// <summary>list(value): strings give characters, dicts their keys, undefined nothing.</summary>
    public static IReadOnlyList<object?> Iterate(object? value) => value switch
    {
        Undefined => [],
        List<object?> l => l,
        TupleValue t => t,
        DictValue d => d.Keys.ToList(),
        string s => PyStr.CodePoints(s),
        _ => throw TemplateException.Type($"{PyFormat.Repr(PyFormat.TypeName(value))} object is not iterable"),
    };

    public static long Length(object? value) => value switch
    {
        Undefined => 0,
        string s => PyStr.Length(s),
        List<object?> l => l.Count,
        TupleValue t => t.Count,
        DictValue d => d.Count,
        _ => throw TemplateException.Type($"object of type {PyFormat.Repr(PyFormat.TypeName(value))} has no len()"),
    };

    // ---------------------------------------------------------------- arithmetic

    public static object? Binary(string op, object? a, object? b)
    {
        if (a is Undefined ua) throw ua.Error();
        if (b is Undefined ub) throw ub.Error();
        return op switch
        {
            "+" => Add(a, b),
            "-" => Numeric(a, b, op, (x, y) => checked(x - y), (x, y) => x - y),
            "*" => Multiply(a, b),
            "/" => Divide(a, b),
            "//" => FloorDivide(a, b),
            "%" => Modulo(a, b),
            "**" => Power(a, b),
            _ => throw new InvalidOperationException(op),
        };
    }

    public static object? Negate(object? a, string op) => a switch
    {
        Undefined u => throw u.Error(),
        // Boxed per arm: otherwise C# would unify long and double into double.
        bool or long => (object)(op == "-" ? checked(-AsLong(a)) : AsLong(a)),
        double d => (object)(op == "-" ? -d : d),
        _ => throw TemplateException.Type($"bad operand type for unary {op}: {PyFormat.Repr(PyFormat.TypeName(a))}"),
    };

    private static TemplateException Unsupported(string op, object? a, object? b) => TemplateException.Type(
        $"unsupported operand type(s) for {op}: {PyFormat.Repr(PyFormat.TypeName(a))} and {PyFormat.Repr(PyFormat.TypeName(b))}");

    private static object Numeric(object? a, object? b, string op, Func<long, long, long> ints, Func<double, double, double> floats)
    {
        if (!IsNumber(a) || !IsNumber(b)) throw Unsupported(op, a, b);
        try
        {
            // Boxed per branch: a plain ?: would turn the long into a double.
            return IsInt(a) && IsInt(b) ? (object)ints(AsLong(a), AsLong(b)) : floats(AsDouble(a), AsDouble(b));
        }
        catch (OverflowException)
        {
            throw TemplateException.Type("integer overflow");
        }
    }

    private static object Add(object? a, object? b)
    {
        switch (a)
        {
            case string s when b is string t: return s + t;
            case string: throw TemplateException.Type($"can only concatenate str (not \"{PyFormat.TypeName(b)}\") to str");
            case List<object?> l when b is List<object?> m: return new List<object?>(l.Concat(m));
            case List<object?>: throw TemplateException.Type($"can only concatenate list (not \"{PyFormat.TypeName(b)}\") to list");
            case TupleValue l when b is TupleValue m: return new TupleValue([.. l, .. m]);
            case TupleValue: throw TemplateException.Type($"can only concatenate tuple (not \"{PyFormat.TypeName(b)}\") to tuple");
            default: return Numeric(a, b, "+", (x, y) => checked(x + y), (x, y) => x + y);
        }
    }

    private static object Multiply(object? a, object? b)
    {
        if (IsInt(b) && a is string or List<object?> or TupleValue) return Repeat(a!, AsLong(b));
        if (IsInt(a) && b is string or List<object?> or TupleValue) return Repeat(b!, AsLong(a));
        if (a is string or List<object?> or TupleValue && !IsNumber(b) || b is string or List<object?> or TupleValue && !IsNumber(a))
            throw TemplateException.Type($"can't multiply sequence by non-int of type {PyFormat.Repr(PyFormat.TypeName(a is string or List<object?> or TupleValue ? b : a))}");
        return Numeric(a, b, "*", (x, y) => checked(x * y), (x, y) => x * y);
    }

    // Keeps "x" * 10**12 from exhausting memory; Python would raise MemoryError or take forever.
    private const long MaxRepeatedLength = 1L << 26;

    private static object Repeat(object seq, long times)
    {
        times = Math.Max(0, times);
        var unit = seq is string str ? str.Length : ((IReadOnlyList<object?>)seq).Count;
        if (unit > 0 && times > MaxRepeatedLength / unit) throw TemplateException.Type("repeated sequence is too long");
        if (seq is string s) return string.Concat(Enumerable.Repeat(s, (int)Math.Min(times, int.MaxValue)));
        var items = (IReadOnlyList<object?>)seq;
        var result = new List<object?>();
        for (long i = 0; i < times; i++) result.AddRange(items);
        return seq is TupleValue ? new TupleValue(result) : result;
    }

    private static object Divide(object? a, object? b)
    {
        if (!IsNumber(a) || !IsNumber(b)) throw Unsupported("/", a, b);
        if (AsDouble(b) == 0) throw TemplateException.Type("division by zero");
        return AsDouble(a) / AsDouble(b);
    }

    private static object FloorDivide(object? a, object? b)
    {
        if (!IsNumber(a) || !IsNumber(b)) throw Unsupported("//", a, b);
        if (IsInt(a) && IsInt(b))
        {
            var (x, y) = (AsLong(a), AsLong(b));
            if (y == 0) throw TemplateException.Type("integer division or modulo by zero");
            var q = x / y;
            return (x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q;
        }
        if (AsDouble(b) == 0) throw TemplateException.Type("float floor division by zero");
        return Math.Floor(AsDouble(a) / AsDouble(b));
    }

    private static object Modulo(object? a, object? b)
    {
        if (a is string format) return StringFormatting.Percent(format, b);
        if (!IsNumber(a) || !IsNumber(b)) throw Unsupported("%", a, b);
        if (IsInt(a) && IsInt(b))
        {
            var (x, y) = (AsLong(a), AsLong(b));
            if (y == 0) throw TemplateException.Type("integer modulo by zero");
            var r = x % y;
            return r != 0 && (r < 0) != (y < 0) ? r + y : r;
        }
        var (p, q) = (AsDouble(a), AsDouble(b));
        if (q == 0) throw TemplateException.Type("float modulo");
        // Python's float % takes the sign of the divisor.
        var m = p % q;
        return m != 0 && (m < 0) != (q < 0) ? m + q : m;
    }

    private static object Power(object? a, object? b)
    {
        if (!IsNumber(a) || !IsNumber(b)) throw Unsupported("** or pow()", a, b);
        if (IsInt(a) && IsInt(b) && AsLong(b) >= 0)
        {
            long result = 1, x = AsLong(a);
            try
            {
                for (var n = AsLong(b); n > 0; n >>= 1)
                {
                    if ((n & 1) == 1) result = checked(result * x);
                    if (n > 1) x = checked(x * x);
                }
            }
            catch (OverflowException)
            {
                throw TemplateException.Type("integer overflow");
            }
            return result;
        }
        return Math.Pow(AsDouble(a), AsDouble(b));
    }
}
