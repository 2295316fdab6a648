namespace ChatTemplates;

/// <summary>
/// A variable frame. Jinja's rules: each for-loop iteration, macro call, with-block and call-block body
/// gets a child frame whose assignments vanish at its end; if-blocks share their parent's frame.
/// Reads fall through to parents.
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _vars = new(StringComparer.Ordinal);
    private readonly Scope? _parent = parent;

    public bool TryGet(string name, out object? value)
    {
        for (var s = this; s is not null; s = s._parent)
            if (s._vars.TryGetValue(name, out value)) return true;
        value = null;
        return false;
    }

    public void Set(string name, object? value) => _vars[name] = value;
}
