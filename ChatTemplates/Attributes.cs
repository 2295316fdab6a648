namespace ChatTemplates;

/// <summary>
/// The sandbox's attribute and item lookup. <c>x.name</c> tries a Python attribute (a method such as
/// dict.items) before the item; <c>x[key]</c> tries the item first. Missing things give an
/// <see cref="Undefined"/>; looking anything up on an Undefined raises.
/// </summary>
internal static class Attributes
{
    public static object? GetAttr(object? obj, string name)
    {
        if (obj is Undefined u) throw u.Error();
        if (TryAttribute(obj, name, out var value)) return value;
        if (TryItem(obj, name, out value)) return value;
        return Undefined.Missing(obj, name);
    }

    public static object? GetItem(object? obj, object? key)
    {
        if (obj is Undefined u) throw u.Error();
        if (TryItem(obj, key, out var value)) return value;
        if (key is string name && TryAttribute(obj, name, out value)) return value;
        return Undefined.Missing(obj, key);
    }

    /// <summary>The attr filter: a Python attribute only, never an item.</summary>
    public static object? GetPythonAttr(object? obj, string name)
    {
        if (obj is Undefined u) throw u.Error();
        return TryAttribute(obj, name, out var value) ? value : Undefined.Missing(obj, name);
    }

    /// <summary>obj[start:stop:step] for strings, lists and tuples. Jinja compiles slices to plain
    /// Python subscription, so unlike item lookup, failures raise instead of giving undefined.</summary>
    public static object? Slice(object? obj, object? start, object? stop, object? step)
    {
        if (obj is Undefined u) throw u.Error();
        var (a, b, c) = (SliceIndex(start), SliceIndex(stop), SliceIndex(step));
        return obj switch
        {
            string s => PyStr.Slice(s, a, b, c),
            List<object?> l => PySlice.Indices(l.Count, a, b, c).Select(i => l[i]).ToList(),
            TupleValue t => new TupleValue(PySlice.Indices(t.Count, a, b, c).Select(i => t[i]).ToList()),
            DictValue => throw TemplateException.Type("unhashable type: 'slice'"),
            _ => throw TemplateException.Type($"{PyFormat.Repr(PyFormat.TypeName(obj))} object is not subscriptable"),
        };
    }

    private static long? SliceIndex(object? value) => value switch
    {
        null => null,
        bool or long => PyOps.AsLong(value),
        _ => throw TemplateException.Type("slice indices must be integers or None or have an __index__ method"),
    };

    private static bool TryItem(object? obj, object? key, out object? value)
    {
        value = null;
        switch (obj)
        {
            case DictValue d:
                try { return d.TryGetValue(key, out value); }
                catch (TemplateException) { return false; } // unhashable key: Python's TypeError, caught by Jinja
            case List<object?> or TupleValue when PyOps.IsInt(key):
                var list = (IReadOnlyList<object?>)obj;
                var i = PyOps.AsLong(key);
                if (i < 0) i += list.Count;
                if (i < 0 || i >= list.Count) return false;
                value = list[(int)i];
                return true;
            case string s when PyOps.IsInt(key):
                value = PyStr.At(s, PyOps.AsLong(key));
                return value is not null;
            default:
                return false;
        }
    }

    /// <summary>A Python attribute: a method, a namespace attribute or a loop property.</summary>
    private static bool TryAttribute(object? obj, string name, out object? value)
    {
        if (obj is NamespaceValue ns) return ns.Attributes.TryGetValue(name, out value);
        value = obj switch
        {
            string s => StringMethods.Get(s, name),
            List<object?> or TupleValue or DictValue => CollectionMethods.Get(obj, name),
            LoopContext loop => loop.GetAttribute(name),
            MacroValue macro when name == "name" => macro.Name,
            _ => null,
        };
        return value is not null;
    }
}
