using System.Globalization;
using System.Text;

namespace ChatTemplates;

/// <summary>
/// Python's two string formatting styles: <c>"%s %d" % args</c> (also the <c>format</c> filter) and
/// <c>"{} {name}".format(...)</c>. Covers the common conversions, not every corner of either.
/// </summary>
internal static class StringFormatting
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary><c>format % args</c>: args is a tuple (several values), a dict (<c>%(name)s</c>) or one value.</summary>
    public static string Percent(string format, object? args)
    {
        var positional = args is TupleValue t ? t : (IReadOnlyList<object?>)[args];
        var mapping = args as DictValue;
        var next = 0;
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                sb.Append(format[i]);
                continue;
            }
            if (++i >= format.Length) throw TemplateException.Type("incomplete format");
            object? value = null;
            var haveValue = false;
            if (format[i] == '(')
            {
                var close = format.IndexOf(')', i);
                if (close < 0 || mapping is null) throw TemplateException.Type("format requires a mapping");
                var key = format[(i + 1)..close];
                if (!mapping.TryGetValue(key, out value)) throw TemplateException.Type(PyFormat.Repr(key));
                haveValue = true;
                i = close + 1;
            }
            var flags = "";
            while (i < format.Length && "-+ #0".Contains(format[i])) flags += format[i++];
            var width = ReadNumber(format, ref i, () => TakeNext());
            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = ReadNumber(format, ref i, () => TakeNext()) ?? 0;
            }
            if (i >= format.Length) throw TemplateException.Type("incomplete format");
            var type = format[i];
            if (type == '%')
            {
                sb.Append('%');
                continue;
            }
            if (!haveValue) value = TakeNext();
            var text = Convert(value, type, precision, flags.Contains('#'));
            if (IsNumericType(type)) text = ApplySign(text, flags.Contains('+') ? '+' : flags.Contains(' ') ? ' ' : '-');
            sb.Append(Pad(text, width ?? 0, flags.Contains('-') ? '<' : (flags.Contains('0') && IsNumericType(type) ? '=' : '>'), flags.Contains('0') && IsNumericType(type) && !flags.Contains('-') ? '0' : ' '));
        }
        if (mapping is null && next < positional.Count) throw TemplateException.Type("not all arguments converted during string formatting");
        return sb.ToString();

        object? TakeNext()
        {
            if (mapping is not null) return mapping;
            if (next >= positional.Count) throw TemplateException.Type("not enough arguments for format string");
            return positional[next++];
        }
    }

    private static int? ReadNumber(string s, ref int i, Func<object?> star)
    {
        if (i < s.Length && s[i] == '*')
        {
            i++;
            return (int)PyOps.AsLong(star());
        }
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        return i > start ? int.Parse(s[start..i], Inv) : null;
    }

    private static bool IsNumericType(char type) => "dioxXeEfFgGnb%".Contains(type);

    private static string Convert(object? value, char type, int? precision, bool alternate)
    {
        switch (type)
        {
            case 's': return Truncate(PyFormat.Str(value), precision);
            case 'r' or 'a': return Truncate(PyFormat.Repr(value), precision);
            case 'c': return value is string s ? s : char.ConvertFromUtf32((int)PyOps.AsLong(value));
        }
        if (!PyOps.IsNumber(value))
            throw TemplateException.Type($"%{type} format: a real number is required, not {PyFormat.TypeName(value)}");
        return type switch
        {
            'd' or 'i' or 'u' => IntegerPart(value).ToString(Inv),
            'x' => (alternate ? "0x" : "") + Hex(IntegerPart(value), false),
            'X' => (alternate ? "0X" : "") + Hex(IntegerPart(value), true),
            'o' => (alternate ? "0o" : "") + System.Convert.ToString(IntegerPart(value), 8),
            _ => FormatFloat(PyOps.AsDouble(value), type, precision ?? 6, alternate),
        };
    }

    private static long IntegerPart(object? value) =>
        PyOps.IsInt(value) ? PyOps.AsLong(value) : (long)Math.Truncate(PyOps.AsDouble(value));

    private static string Hex(long v, bool upper) =>
        (v < 0 ? "-" : "") + Math.Abs(v).ToString(upper ? "X" : "x", Inv);

    private static string Truncate(string s, int? precision) =>
        precision is { } p && p < s.Length ? s[..p] : s;

    /// <summary>Fixed (f), exponent (e) and general (g) float formatting as Python does it.</summary>
    public static string FormatFloat(double d, char type, int precision, bool alternate = false)
    {
        if (double.IsNaN(d)) return char.IsUpper(type) ? "NAN" : "nan";
        if (double.IsInfinity(d)) return (d < 0 ? "-" : "") + (char.IsUpper(type) ? "INF" : "inf");
        switch (type)
        {
            case 'f' or 'F':
                return d.ToString("F" + precision, Inv);
            case 'e' or 'E':
                return Exponent(d, precision, type);
            case '%':
                return (d * 100).ToString("F" + precision, Inv) + "%";
            default: // g, G, n
                var p = precision == 0 ? 1 : precision;
                if (d == 0) return alternate ? "0." + new string('0', p - 1) : "0";
                var exp = int.Parse(d.ToString("E" + (p - 1), Inv).Split('E')[1], Inv);
                string text;
                if (exp >= -4 && exp < p) text = d.ToString("F" + (p - 1 - exp), Inv);
                else text = Exponent(d, p - 1, type == 'G' ? 'E' : 'e');
                if (!alternate)
                {
                    var mantissaEnd = text.IndexOfAny(['e', 'E']);
                    var mantissa = mantissaEnd >= 0 ? text[..mantissaEnd] : text;
                    if (mantissa.Contains('.')) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
                    text = mantissa + (mantissaEnd >= 0 ? text[mantissaEnd..] : "");
                }
                return text;
        }
    }

    // .NET writes E+003; Python writes e+03.
    private static string Exponent(double d, int precision, char type)
    {
        var s = d.ToString((type == 'E' ? "E" : "e") + precision, Inv);
        var at = s.IndexOfAny(['e', 'E']);
        var exponent = int.Parse(s[(at + 1)..], NumberStyles.AllowLeadingSign, Inv);
        return s[..(at + 1)] + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", Inv);
    }

    private static string ApplySign(string text, char sign) =>
        text.StartsWith('-') || sign == '-' ? text : sign + text;

    /// <summary>Aligns within width; '=' pads after the sign (zero padding of numbers).</summary>
    private static string Pad(string text, int width, char align, char fill)
    {
        if (text.Length >= width) return text;
        var padding = new string(fill, width - text.Length);
        return align switch
        {
            '<' => text + padding,
            '^' => new string(fill, (width - text.Length) / 2) + text + new string(fill, width - text.Length - (width - text.Length) / 2),
            '=' when text.Length > 0 && text[0] is '-' or '+' or ' ' => text[0] + padding + text[1..],
            _ => padding + text,
        };
    }

    /// <summary><c>str.format</c>: fields <c>{}</c>, <c>{0}</c>, <c>{name}</c>, <c>{x.attr}</c>/<c>{x[key]}</c>,
    /// conversions !r/!s and a format spec [[fill]align][sign][0][width][,][.precision][type].</summary>
    public static string Format(string format, Arguments args)
    {
        var sb = new StringBuilder();
        var auto = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c == '}')
            {
                if (i + 1 < format.Length && format[i + 1] == '}') i++;
                else throw TemplateException.Type("Single '}' encountered in format string");
                sb.Append('}');
                continue;
            }
            if (c != '{')
            {
                sb.Append(c);
                continue;
            }
            if (i + 1 < format.Length && format[i + 1] == '{')
            {
                sb.Append('{');
                i++;
                continue;
            }
            var close = format.IndexOf('}', i);
            if (close < 0) throw TemplateException.Type("expected '}' before end of string");
            var field = format[(i + 1)..close];
            i = close;

            var spec = "";
            var colon = field.IndexOf(':');
            if (colon >= 0) (field, spec) = (field[..colon], field[(colon + 1)..]);
            var conversion = '\0';
            var bang = field.IndexOf('!');
            if (bang >= 0) (field, conversion) = (field[..bang], field.Length > bang + 1 ? field[bang + 1] : '\0');

            var nameEnd = field.IndexOfAny(['.', '[']);
            var head = nameEnd >= 0 ? field[..nameEnd] : field;
            object? value;
            if (head.Length == 0) value = Positional(args, auto++);
            else if (int.TryParse(head, NumberStyles.None, Inv, out var index)) value = Positional(args, index);
            else if (!args.Named.TryGetValue(head, out value)) throw TemplateException.Type(PyFormat.Repr(head));
            value = Accessors(value, nameEnd >= 0 ? field[nameEnd..] : "");

            if (conversion == 'r' || conversion == 'a') value = PyFormat.Repr(value);
            else if (conversion == 's') value = PyFormat.Str(value);
            sb.Append(ApplySpec(value, spec));
        }
        return sb.ToString();
    }

    private static object? Positional(Arguments args, int index) =>
        index < args.Positional.Count
            ? args.Positional[index]
            : throw TemplateException.Type($"Replacement index {index} out of range for positional args tuple");

    private static object? Accessors(object? value, string path)
    {
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                value = Attributes.GetAttr(value, path[(i + 1)..end]);
                i = end;
            }
            else
            {
                var end = path.IndexOf(']', i);
                if (end < 0) throw TemplateException.Type("Missing ']' in format string");
                var key = path[(i + 1)..end];
                value = Attributes.GetItem(value, long.TryParse(key, NumberStyles.None, Inv, out var n) ? n : key);
                i = end + 1;
            }
        }
        return value;
    }

    private static string ApplySpec(object? value, string spec)
    {
        if (spec.Length == 0) return PyFormat.Str(value);
        var i = 0;
        char fill = ' ', align = '\0';
        if (spec.Length >= 2 && spec[1] is '<' or '>' or '^' or '=') (fill, align, i) = (spec[0], spec[1], 2);
        else if (spec[0] is '<' or '>' or '^' or '=') (align, i) = (spec[0], 1);
        var sign = '-';
        if (i < spec.Length && spec[i] is '+' or '-' or ' ') sign = spec[i++];
        var alternate = false;
        if (i < spec.Length && spec[i] == '#') { alternate = true; i++; }
        if (i < spec.Length && spec[i] == '0' && align == '\0') { fill = '0'; align = '='; i++; }
        var width = ReadNumber(spec, ref i, () => 0L) ?? 0;
        var grouping = i < spec.Length && spec[i] is ',' or '_' ? spec[i++] : '\0';
        int? precision = null;
        if (i < spec.Length && spec[i] == '.')
        {
            i++;
            precision = ReadNumber(spec, ref i, () => 0L) ?? 0;
        }
        var type = i < spec.Length ? spec[i] : '\0';

        string text;
        if (value is string s)
        {
            if (type is not ('\0' or 's')) throw TemplateException.Type($"Unknown format code '{type}' for object of type 'str'");
            text = Truncate(s, precision);
            if (align == '\0') align = '<';
        }
        else if (PyOps.IsNumber(value))
        {
            if (type == '\0')
                text = PyOps.IsInt(value) ? PyOps.AsLong(value).ToString(Inv)
                    : precision is { } p ? FormatFloat(PyOps.AsDouble(value), 'g', p, alternate) : PyFormat.FloatRepr(PyOps.AsDouble(value));
            else if (type is 'd' or 'x' or 'X' or 'o' or 'b' or 'c')
            {
                if (!PyOps.IsInt(value)) throw TemplateException.Type($"Unknown format code '{type}' for object of type 'float'");
                var n = PyOps.AsLong(value);
                text = type switch
                {
                    'd' => n.ToString(Inv),
                    'x' => (alternate ? "0x" : "") + Hex(n, false),
                    'X' => (alternate ? "0X" : "") + Hex(n, true),
                    'o' => (alternate ? "0o" : "") + System.Convert.ToString(n, 8),
                    'b' => (alternate ? "0b" : "") + System.Convert.ToString(n, 2),
                    _ => char.ConvertFromUtf32((int)n),
                };
            }
            else text = FormatFloat(PyOps.AsDouble(value), type, precision ?? 6, alternate);
            if (grouping != '\0') text = Group(text, grouping);
            text = ApplySign(text, sign);
            if (align == '\0') align = '>';
        }
        else
        {
            text = PyFormat.Str(value);
            if (align == '\0') align = '<';
        }
        return Pad(text, width, align, fill);
    }

    private static string Group(string number, char separator)
    {
        var start = number.StartsWith('-') ? 1 : 0;
        var end = start;
        while (end < number.Length && char.IsAsciiDigit(number[end])) end++;
        var sb = new StringBuilder(number[..start]);
        for (var k = start; k < end; k++)
        {
            if (k > start && (end - k) % 3 == 0) sb.Append(separator);
            sb.Append(number[k]);
        }
        return sb.Append(number[end..]).ToString();
    }
}
