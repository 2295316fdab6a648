using System.Text;

namespace ChatTemplates;

/// <summary>
/// Hugging Face's tojson filter: Python's json.dumps(x, ensure_ascii=False, indent=None,
/// separators=None, sort_keys=False), byte for byte (key order, ", "/": " separators, float repr).
/// </summary>
internal static class Json
{
    public static string ToJson(object? value, Arguments a)
    {
        var ensureAscii = PyOps.Truthy(a.Get(0, "ensure_ascii", false));
        var indentArg = a.Get(1, "indent");
        string? indent = indentArg switch
        {
            null => null,
            string s => s,
            _ when PyOps.IsInt(indentArg) => new string(' ', (int)Math.Max(0, PyOps.AsLong(indentArg))),
            _ => throw TemplateException.Type("indent must be an int or a string"),
        };
        var (itemSeparator, keySeparator) = indent is null ? (", ", ": ") : (",", ": ");
        if (a.Get(2, "separators") is { } separators)
        {
            var parts = PyOps.Iterate(separators);
            if (parts.Count != 2 || parts[0] is not string item || parts[1] is not string key)
                throw TemplateException.Type("separators must be a (item_separator, key_separator) pair");
            (itemSeparator, keySeparator) = (item, key);
        }
        var sortKeys = PyOps.Truthy(a.Get(3, "sort_keys", false));
        var sb = new StringBuilder();
        new Writer(sb, indent, itemSeparator, keySeparator, sortKeys, ensureAscii).Write(value, 0);
        return sb.ToString();
    }

    private sealed class Writer(StringBuilder sb, string? indent, string itemSeparator, string keySeparator, bool sortKeys, bool ensureAscii)
    {
        public void Write(object? value, int level)
        {
            switch (value)
            {
                case null: sb.Append("null"); break;
                case bool b: sb.Append(b ? "true" : "false"); break;
                case long l: sb.Append(l); break;
                case double d: sb.Append(Float(d)); break;
                case string s: WriteString(s); break;
                case List<object?> or TupleValue: WriteArray((IReadOnlyList<object?>)value, level); break;
                case DictValue d: WriteObject(d, level); break;
                default:
                    throw TemplateException.Type($"Object of type {PyFormat.TypeName(value)} is not JSON serializable");
            }
        }

        private static string Float(double d) =>
            double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PyFormat.FloatRepr(d);

        private void NewLine(int level)
        {
            if (indent is null) return;
            sb.Append('\n');
            for (var i = 0; i < level; i++) sb.Append(indent);
        }

        private void WriteArray(IReadOnlyList<object?> items, int level)
        {
            if (items.Count == 0)
            {
                sb.Append("[]");
                return;
            }
            sb.Append('[');
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0) sb.Append(itemSeparator);
                NewLine(level + 1);
                Write(items[i], level + 1);
            }
            NewLine(level);
            sb.Append(']');
        }

        private void WriteObject(DictValue d, int level)
        {
            if (d.Count == 0)
            {
                sb.Append("{}");
                return;
            }
            var items = d.Items.Select(p => (Key: KeyString(p.Key), p.Value)).ToList();
            if (sortKeys) items = items.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
            sb.Append('{');
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0) sb.Append(itemSeparator);
                NewLine(level + 1);
                WriteString(items[i].Key);
                sb.Append(keySeparator);
                Write(items[i].Value, level + 1);
            }
            NewLine(level);
            sb.Append('}');
        }

        // json.dumps turns non-string keys into strings.
        private static string KeyString(object? key) => key switch
        {
            string s => s,
            null => "null",
            bool b => b ? "true" : "false",
            long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
            double d => Float(d),
            _ => throw TemplateException.Type($"keys must be str, int, float, bool or None, not {PyFormat.TypeName(key)}"),
        };

        private void WriteString(string s)
        {
            sb.Append('"');
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\b': sb.Append("\\b"); break;
                    case '\f': sb.Append("\\f"); break;
                    default:
                        if (c < 0x20 || (ensureAscii && c > 0x7e)) sb.Append($"\\u{(int)c:x4}");
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }
    }
}
