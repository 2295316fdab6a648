namespace ChatTemplates;

/// <summary>The <c>loop</c> variable inside <c>{% for %}</c>; callable as <c>loop(children)</c> in
/// recursive loops.</summary>
internal sealed class LoopContext(IReadOnlyList<object?> items, int depth0, Func<object?, string>? recurse) : ICallable
{
    private static readonly object NotSeen = new();
    private object? _lastChanged = NotSeen;

    public int Index0 { get; set; }

    public int Index => Index0 + 1;

    public int Length => items.Count;

    public string Name => "loop";

    /// <summary>The named loop attribute, or null when there is none.</summary>
    public object? GetAttribute(string name) => name switch
    {
        "index" => (long)Index,
        "index0" => (long)Index0,
        "revindex" => (long)(Length - Index0),
        "revindex0" => (long)(Length - Index),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "depth" => (long)depth0 + 1,
        "depth0" => (long)depth0,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : Undefined.Hint("there is no previous item"),
        "nextitem" => Index0 + 1 < Length ? items[Index0 + 1] : Undefined.Hint("there is no next item"),
        "cycle" => new BuiltinFunction("cycle", args =>
            args.Positional.Count == 0
                ? throw TemplateException.Type("no items for cycling given")
                : args.Positional[Index0 % args.Positional.Count]),
        "changed" => new BuiltinFunction("changed", args =>
        {
            // Compares all arguments as one tuple, like Jinja.
            var value = new TupleValue(args.Positional);
            if (_lastChanged != NotSeen && PyOps.Equal(_lastChanged, value)) return false;
            _lastChanged = value;
            return true;
        }),
        _ => null,
    };

    public object? Call(Arguments args) => recurse is null
        ? throw TemplateException.Type("The loop must have the 'recursive' marker to be called recursively.")
        : recurse(args.Get(0, "iterable"));
}
