namespace ChatTemplates;

/// <summary>
/// A <c>{% macro %}</c> (or a call block's <c>caller</c>) bound to the scope it was defined in.
/// Calling it renders its body in a fresh child scope and returns the text.
/// </summary>
internal sealed class MacroValue(
    string name,
    IReadOnlyList<MacroParam> parameters,
    IReadOnlyList<Stmt> body,
    Scope closure,
    Evaluator evaluator) : ICallable
{
    // As in Jinja, a macro accepts extra arguments only if its body mentions varargs / kwargs / caller.
    private readonly bool _catchVarargs = NameUsage.Uses(body, "varargs");
    private readonly bool _catchKwargs = NameUsage.Uses(body, "kwargs");
    private readonly bool _usesCaller = NameUsage.Uses(body, "caller");

    public string Name { get; } = name;

    public object? Call(Arguments args)
    {
        var scope = new Scope(closure);
        var named = new OrderedDictionary<string, object?>(args.Named, StringComparer.Ordinal);
        if (_usesCaller)
        {
            scope.Set("caller", named.Remove("caller", out var caller) ? caller : Undefined.Hint("No caller defined"));
        }
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            // A keyword for a parameter already given positionally is left over, as in Jinja.
            if (i < args.Positional.Count) scope.Set(p.Name, args.Positional[i]);
            else if (named.Remove(p.Name, out var value)) scope.Set(p.Name, value);
            else if (p.Default is not null) scope.Set(p.Name, evaluator.Eval(p.Default, scope));
            else scope.Set(p.Name, Undefined.Hint($"parameter {PyStr.Repr(p.Name)} was not provided"));
        }

        var extra = args.Positional.Skip(parameters.Count).ToList();
        if (extra.Count > 0 && !_catchVarargs)
            throw TemplateException.Type($"macro {PyStr.Repr(Name)} takes not more than {parameters.Count} argument(s)");
        if (_catchVarargs) scope.Set("varargs", new TupleValue(extra));

        if (named.Count > 0 && !_catchKwargs)
            throw TemplateException.Type($"macro {PyStr.Repr(Name)} takes no keyword argument {PyStr.Repr(named.Keys.First())}");
        if (_catchKwargs)
        {
            var kwargs = new DictValue();
            foreach (var (key, value) in named) kwargs[key] = value;
            scope.Set("kwargs", kwargs);
        }
        return evaluator.RenderToString(body, scope);
    }
}
