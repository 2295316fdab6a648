namespace ChatTemplates;

/// <summary>Expression evaluation: names, literals, operators, lookups, calls, filters and tests.</summary>
internal sealed partial class Evaluator
{
    public object? Eval(Expr expr, Scope scope)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expr)
        {
            case ConstExpr c:
                return c.Value;
            case NameExpr n:
                return scope.TryGet(n.Name, out var value) ? value : Undefined.Named(n.Name);
            case ListExpr l:
                return l.Items.Select(i => Eval(i, scope)).ToList();
            case TupleExpr t:
                return new TupleValue(t.Items.Select(i => Eval(i, scope)).ToList());
            case DictExpr d:
                var dict = new DictValue();
                foreach (var (k, v) in d.Pairs) dict[Eval(k, scope)] = Eval(v, scope);
                return dict;
            case GetAttrExpr g:
                return Attributes.GetAttr(Eval(g.Target, scope), g.Name);
            case GetItemExpr g:
                var target = Eval(g.Target, scope);
                if (g.Key is SliceExpr s)
                {
                    return Attributes.Slice(target,
                        s.Start is null ? null : Eval(s.Start, scope),
                        s.Stop is null ? null : Eval(s.Stop, scope),
                        s.Step is null ? null : Eval(s.Step, scope));
                }
                return Attributes.GetItem(target, Eval(g.Key, scope));
            case CallExpr c:
                var callee = Eval(c.Callee, scope);
                return CallValue(callee, EvalArgs(c.Args, scope));
            case FilterExpr f:
                return ApplyFilter(f, f.Target is null ? null : Eval(f.Target, scope), scope);
            case TestExpr t:
                return ApplyTest(t, scope);
            case UnaryExpr u:
                var operand = Eval(u.Operand, scope);
                return u.Op == "not" ? !PyOps.Truthy(operand) : PyOps.Negate(operand, u.Op);
            case BinaryExpr b:
                return EvalBinary(b, scope);
            case CompareExpr c:
                return EvalCompare(c, scope);
            case CondExpr c:
                if (PyOps.Truthy(Eval(c.Test, scope))) return Eval(c.Then, scope);
                return c.Else is null
                    ? Undefined.Hint($"the inline if-expression on line {c.Line} evaluated to false and no else section was defined.")
                    : Eval(c.Else, scope);
            default:
                throw new InvalidOperationException("unknown expression " + expr.GetType().Name);
        }
    }

    private object? EvalBinary(BinaryExpr b, Scope scope)
    {
        var left = Eval(b.Left, scope);
        switch (b.Op)
        {
            // Python's and/or return an operand, not a bool.
            case "and": return PyOps.Truthy(left) ? Eval(b.Right, scope) : left;
            case "or": return PyOps.Truthy(left) ? left : Eval(b.Right, scope);
            case "~": return PyFormat.Str(left) + PyFormat.Str(Eval(b.Right, scope));
            default: return PyOps.Binary(b.Op, left, Eval(b.Right, scope));
        }
    }

    private bool EvalCompare(CompareExpr c, Scope scope)
    {
        var left = Eval(c.First, scope);
        foreach (var (op, rightExpr) in c.Rest)
        {
            var right = Eval(rightExpr, scope);
            var ok = op switch
            {
                "==" => PyOps.Equal(left, right),
                "!=" => !PyOps.Equal(left, right),
                "<" => PyOps.Compare(left, right, op) < 0,
                "<=" => PyOps.Compare(left, right, op) <= 0,
                ">" => PyOps.Compare(left, right, op) > 0,
                ">=" => PyOps.Compare(left, right, op) >= 0,
                "in" => PyOps.Contains(right, left),
                "notin" => !PyOps.Contains(right, left),
                _ => throw new InvalidOperationException(op),
            };
            if (!ok) return false;
            left = right;
        }
        return true;
    }

    private Arguments EvalArgs(CallArgs args, Scope scope)
    {
        var positional = args.Positional.Select(a => Eval(a, scope)).ToList();
        if (args.SpreadPositional is not null) positional.AddRange(PyOps.Iterate(Eval(args.SpreadPositional, scope)));
        var named = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in args.Named) named[name] = Eval(value, scope);
        if (args.SpreadNamed is not null)
        {
            if (Eval(args.SpreadNamed, scope) is not DictValue extra)
                throw TemplateException.Type("argument after ** must be a mapping");
            foreach (var (k, v) in extra.Items) named[PyFormat.Str(k)] = v;
        }
        return new Arguments(positional, named);
    }

    internal static object? CallValue(object? callee, Arguments args) => callee switch
    {
        Undefined u => throw u.Error(),
        ICallable c => c.Call(args),
        _ => throw TemplateException.Type($"{PyFormat.Repr(PyFormat.TypeName(callee))} object is not callable"),
    };

    private object? ApplyFilter(FilterExpr f, object? value, Scope scope)
    {
        if (!Filters.TryGet(f.Name, out var filter)) throw TemplateException.Type($"No filter named {PyFormat.Repr(f.Name)}.");
        return filter(value, EvalArgs(f.Args, scope));
    }

    private bool ApplyTest(TestExpr t, Scope scope)
    {
        if (!Tests.TryGet(t.Name, out var test)) throw TemplateException.Type($"No test named {PyFormat.Repr(t.Name)}.");
        return test(Eval(t.Target, scope), EvalArgs(t.Args, scope));
    }
}
