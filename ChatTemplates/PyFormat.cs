using System.Globalization;
using System.Text;

namespace ChatTemplates;

/// <summary>Python's str() and repr() of runtime values, which is what <c>{{ value }}</c> prints.</summary>
internal static class PyFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Str(object? value) => value switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(value),
    };

    public static string Repr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(Inv),
        double d => FloatRepr(d),
        string s => PyStr.Repr(s),
        Undefined => "Undefined",
        List<object?> list => "[" + string.Join(", ", list.Select(Repr)) + "]",
        TupleValue t => t.Count == 1 ? "(" + Repr(t[0]) + ",)" : "(" + string.Join(", ", t.Select(Repr)) + ")",
        DictValue d => DictRepr(d.Items),
        NamespaceValue ns => "<Namespace " + DictRepr(ns.Attributes.Select(p => new KeyValuePair<object?, object?>(p.Key, p.Value))) + ">",
        LoopContext loop => $"<LoopContext {loop.Index}/{loop.Length}>",
        MacroValue m => $"<Macro {PyStr.Repr(m.Name)}>",
        ICallable c => $"<built-in method {c.Name}>",
        _ => Convert.ToString(value, Inv) ?? "",
    };

    private static string DictRepr(IEnumerable<KeyValuePair<object?, object?>> items) =>
        "{" + string.Join(", ", items.Select(p => Repr(p.Key) + ": " + Repr(p.Value))) + "}";

    /// <summary>Python's type(x).__name__.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        List<object?> => "list",
        TupleValue => "tuple",
        DictValue => "dict",
        Undefined => "Undefined",
        NamespaceValue => "Namespace",
        LoopContext => "LoopContext",
        MacroValue => "Macro",
        ICallable => "builtin_function_or_method",
        _ => value.GetType().Name,
    };

    /// <summary>Jinja's object_type_repr, used in "'dict object' has no attribute 'x'".</summary>
    public static string ObjectTypeRepr(object? value) => value switch
    {
        null => "None",
        NamespaceValue => "jinja2.utils.Namespace object",
        LoopContext => "jinja2.runtime.LoopContext object",
        MacroValue => "jinja2.runtime.Macro object",
        Undefined => "jinja2.runtime.Undefined object",
        _ => TypeName(value) + " object",
    };

    /// <summary>Python's repr(float): shortest round-trip digits, scientific below 1e-4 and from 1e16.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";

        var (negative, digits, point) = ShortestDigits(d);
        var exponent = point - 1;
        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        if (exponent is >= -4 and < 16)
        {
            if (point <= 0) sb.Append("0.").Append('0', -point).Append(digits);
            else if (point >= digits.Length) sb.Append(digits).Append('0', point - digits.Length).Append(".0");
            else sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", Inv));
        }
        return sb.ToString();
    }

    /// <summary>Significant digits (no leading/trailing zeros) and the decimal point position:
    /// value = 0.DIGITS × 10^point.</summary>
    private static (bool Negative, string Digits, int Point) ShortestDigits(double d)
    {
        var r = Math.Abs(d).ToString("R", Inv);
        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, Inv);
            r = r[..e];
        }
        var dot = r.IndexOf('.');
        var digits = dot >= 0 ? r.Remove(dot, 1) : r;
        var point = (dot >= 0 ? dot : r.Length) + exponent;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') lead++;
        digits = digits[lead..].TrimEnd('0');
        return (d < 0, digits.Length == 0 ? "0" : digits, point - lead);
    }
}
