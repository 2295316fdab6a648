namespace ChatTemplates;

/// <summary>
/// A Python dict: insertion-ordered, with Python key equality (1 == 1.0 == True) and None as a key.
/// </summary>
internal sealed class DictValue
{
    // .NET dictionaries refuse null keys; None is stored as this marker.
    private static readonly object NoneKey = new();

    private readonly OrderedDictionary<object, object?> _items = new(KeyComparer.Instance);

    public int Count => _items.Count;

    public IEnumerable<object?> Keys => _items.Keys.Select(FromKey);

    public IEnumerable<object?> Values => _items.Values;

    public IEnumerable<KeyValuePair<object?, object?>> Items =>
        _items.Select(p => new KeyValuePair<object?, object?>(FromKey(p.Key), p.Value));

    public object? this[object? key]
    {
        set => _items[ToKey(key)] = value;
    }

    public bool TryGetValue(object? key, out object? value) => _items.TryGetValue(ToKey(key), out value);

    public bool ContainsKey(object? key) => _items.ContainsKey(ToKey(key));

    private static object ToKey(object? key)
    {
        if (key is List<object?> or DictValue)
            throw TemplateException.Type($"unhashable type: {PyFormat.Repr(PyFormat.TypeName(key))}");
        return key ?? NoneKey;
    }

    private static object? FromKey(object key) => ReferenceEquals(key, NoneKey) ? null : key;

    private sealed class KeyComparer : IEqualityComparer<object>
    {
        public static readonly KeyComparer Instance = new();

        public new bool Equals(object? x, object? y) => PyOps.Equal(x, y);

        public int GetHashCode(object obj) => obj switch
        {
            bool b => (b ? 1L : 0L).GetHashCode(),
            long l => l.GetHashCode(),
            double d when d == Math.Floor(d) && Math.Abs(d) < 9e18 => ((long)d).GetHashCode(),
            double d => d.GetHashCode(),
            string s => s.GetHashCode(StringComparison.Ordinal),
            TupleValue t => t.Aggregate(17, (h, item) => h * 31 + (item is null ? 0 : GetHashCode(item))),
            _ => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj),
        };
    }
}
