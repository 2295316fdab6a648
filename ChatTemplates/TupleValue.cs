using System.Collections;

namespace ChatTemplates;

/// <summary>An immutable Python tuple; kept apart from lists because it prints as (a, b) and never
/// equals a list.</summary>
internal sealed class TupleValue(IReadOnlyList<object?> items) : IReadOnlyList<object?>
{
    private readonly object?[] _items = [.. items];

    public int Count => _items.Length;

    public object? this[int index] => _items[index];

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
