namespace ChatTemplates;

/// <summary>Methods of list, tuple and dict that templates call (<c>message.items()</c>,
/// <c>d.get('k')</c>). Mutating methods are refused, as in HF's ImmutableSandboxedEnvironment.</summary>
internal static class CollectionMethods
{
    private static readonly HashSet<string> MutatingList = ["append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"];
    private static readonly HashSet<string> MutatingDict = ["pop", "popitem", "setdefault", "update", "clear"];

    public static object? Get(object obj, string name)
    {
        switch (obj)
        {
            case DictValue d:
                if (MutatingDict.Contains(name)) return Undefined.Unsafe(d, name);
                return name switch
                {
                    "items" => Method(name, _ => d.Items.Select(p => (object?)new TupleValue([p.Key, p.Value])).ToList()),
                    "keys" => Method(name, _ => d.Keys.ToList()),
                    "values" => Method(name, _ => d.Values.ToList()),
                    "get" => Method(name, a => d.TryGetValue(a.Get(0, "key"), out var v) ? v : a.Get(1, "default")),
                    "copy" => Method(name, _ => Copy(d)),
                    _ => null,
                };
            case List<object?> list:
                if (MutatingList.Contains(name)) return Undefined.Unsafe(list, name);
                if (name == "copy") return Method(name, _ => new List<object?>(list));
                return SequenceMethod(list, name);
            case TupleValue tuple:
                return SequenceMethod(tuple, name);
            default:
                return null;
        }
    }

    private static BuiltinFunction Method(string name, Func<Arguments, object?> body) => new(name, body);

    private static BuiltinFunction? SequenceMethod(IReadOnlyList<object?> items, string name) => name switch
    {
        "count" => Method(name, a => (long)items.Count(x => PyOps.Equal(x, a.Get(0, "value")))),
        "index" => Method(name, a =>
        {
            for (var i = 0; i < items.Count; i++)
                if (PyOps.Equal(items[i], a.Get(0, "value"))) return (long)i;
            throw TemplateException.Type($"{PyFormat.Repr(a.Get(0, "value"))} is not in list");
        }),
        _ => null,
    };

    private static DictValue Copy(DictValue d)
    {
        var copy = new DictValue();
        foreach (var (k, v) in d.Items) copy[k] = v;
        return copy;
    }
}
