using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatTemplates;

/// <summary>
/// Turns caller data (JSON or plain .NET objects) into runtime values the way Python's json.loads
/// would: objects become ordered dicts, arrays lists, integer literals ints, other numbers floats.
/// </summary>
internal static class ValueConverter
{
    public static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => ToDict(e.EnumerateObject().Select(p => (p.Name, FromJson(p.Value)))),
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => FromJsonNumber(e),
        _ => null,
    };

    // "1" is an int and "1.0" a float in Python; huge integers degrade to floats.
    private static object FromJsonNumber(JsonElement e)
    {
        var raw = e.GetRawText();
        if (raw.IndexOfAny(['.', 'e', 'E']) < 0 && e.TryGetInt64(out var l)) return l;
        return e.GetDouble();
    }

    private static DictValue ToDict(IEnumerable<(string Key, object? Value)> pairs)
    {
        var d = new DictValue();
        foreach (var (k, v) in pairs) d[k] = v;
        return d;
    }

    public static object? FromClr(object? value)
    {
        switch (value)
        {
            case null or string or bool or long or double or Undefined or DictValue or TupleValue or NamespaceValue or ICallable:
                return value;
            case int or short or sbyte or byte or ushort or uint:
                return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
            case ulong u:
                return u <= long.MaxValue ? (long)u : (double)u;
            case float or decimal:
                return Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
            case char c:
                return c.ToString();
            case JsonElement e:
                return FromJson(e);
            case JsonNode node:
                return FromJson(JsonSerializer.SerializeToElement(node));
            case IDictionary dict:
                var d = new DictValue();
                foreach (DictionaryEntry entry in dict) d[FromClr(entry.Key)] = FromClr(entry.Value);
                return d;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                return ToDict(pairs.Select(p => (p.Key, FromClr(p.Value))));
            case IEnumerable items:
                return items.Cast<object?>().Select(FromClr).ToList();
            default:
                return value;
        }
    }
}
