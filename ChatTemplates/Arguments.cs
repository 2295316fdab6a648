namespace ChatTemplates;

/// <summary>Evaluated call arguments: positionals and keywords, as Python passes them.</summary>
internal sealed class Arguments
{
    public Arguments(IReadOnlyList<object?> positional, OrderedDictionary<string, object?> named)
    {
        Positional = positional;
        Named = named;
    }

    public IReadOnlyList<object?> Positional { get; }

    public OrderedDictionary<string, object?> Named { get; }

    /// <summary>The parameter at this position or with this name, else the default.</summary>
    public object? Get(int index, string name, object? defaultValue = null)
    {
        if (index < Positional.Count) return Positional[index];
        return Named.TryGetValue(name, out var value) ? value : defaultValue;
    }

    public bool Has(int index, string name) => index < Positional.Count || Named.ContainsKey(name);

    /// <summary>Drops leading positionals: map('filter', a, b) passes (a, b) on to the filter.</summary>
    public Arguments Skip(int count) =>
        new(Positional.Skip(count).ToList(), Named);
}
