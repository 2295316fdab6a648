using Engine.StructuredOutput.Automata;
using Engine.StructuredOutput.Json;

namespace Engine.StructuredOutput;

/// <summary>
/// The rules of a grammar while it is lowered: rule 0 is the whole output, the others are what calls refer to (a
/// recursive schema definition, any JSON value, a large repeated body). A rule may be reserved before its body is
/// known, which is how recursion closes.
/// </summary>
internal sealed class RuleSet
{
    private readonly List<Expr?> _bodies = [];
    private int? _anyJsonValue;

    public int Count => _bodies.Count;

    public Expr Body(int rule) => _bodies[rule] ?? throw new InvalidOperationException($"Rule {rule} was reserved but never defined.");

    public int Reserve()
    {
        _bodies.Add(null);
        return _bodies.Count - 1;
    }

    public void Define(int rule, Expr body) => _bodies[rule] = body;

    public int Add(Expr body)
    {
        int rule = Reserve();
        Define(rule, body);
        return rule;
    }

    /// <summary>The rule of any JSON value (its nested values call it again), made on first use.</summary>
    public int AnyJsonValue
    {
        get
        {
            if (_anyJsonValue is int rule) return rule;
            _anyJsonValue = rule = Reserve();
            Define(rule, JsonSyntax.AnyValue(rule));
            return rule;
        }
    }
}
