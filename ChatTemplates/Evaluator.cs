using System.Text;

namespace ChatTemplates;

/// <summary>
/// Walks the statement tree and writes output: control flow, scoping and assignment. Expressions are
/// evaluated in the other half of this class (Evaluator.Expressions.cs).
/// </summary>
internal sealed partial class Evaluator
{
    private enum Flow { Normal, Break, Continue }

    public string RenderToString(IReadOnlyList<Stmt> body, Scope scope)
    {
        var sb = new StringBuilder();
        Render(body, scope, sb);
        return sb.ToString();
    }

    private Flow Render(IReadOnlyList<Stmt> body, Scope scope, StringBuilder sb)
    {
        foreach (var stmt in body)
        {
            var flow = Execute(stmt, scope, sb);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    private Flow Execute(Stmt stmt, Scope scope, StringBuilder sb)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        try
        {
            switch (stmt)
            {
                case TextStmt t:
                    sb.Append(t.Text);
                    return Flow.Normal;
                case OutputStmt o:
                    sb.Append(PyFormat.Str(Eval(o.Value, scope)));
                    return Flow.Normal;
                case IfStmt i:
                    foreach (var (test, body) in i.Branches)
                        if (PyOps.Truthy(Eval(test, scope))) return Render(body, scope, sb);
                    return Render(i.Else, scope, sb);
                case ForStmt f:
                    RenderLoop(f, Eval(f.Iterable, scope), scope, sb, 0);
                    return Flow.Normal;
                case SetStmt s:
                    Assign(s.Target, Eval(s.Value, scope), scope);
                    return Flow.Normal;
                case SetBlockStmt s:
                    Assign(s.Target, ApplyFilters(s.Filters, RenderToString(s.Body, new Scope(scope)), scope), scope);
                    return Flow.Normal;
                case MacroStmt m:
                    scope.Set(m.Name, new MacroValue(m.Name, m.Params, m.Body, scope, this));
                    return Flow.Normal;
                case CallBlockStmt c:
                    var caller = new MacroValue("caller", c.Params, c.Body, scope, this);
                    var args = EvalArgs(c.Call.Args, scope);
                    args.Named["caller"] = caller;
                    sb.Append(PyFormat.Str(CallValue(Eval(c.Call.Callee, scope), args)));
                    return Flow.Normal;
                case FilterBlockStmt f:
                    sb.Append(PyFormat.Str(ApplyFilters(f.Filters, RenderToString(f.Body, new Scope(scope)), scope)));
                    return Flow.Normal;
                case WithStmt w:
                    var inner = new Scope(scope);
                    // Values are evaluated in the outer scope, as Jinja does.
                    var values = w.Assignments.Select(a => Eval(a.Value, scope)).ToList();
                    for (var k = 0; k < values.Count; k++) Assign(w.Assignments[k].Target, values[k], inner);
                    return Render(w.Body, inner, sb);
                case BreakStmt:
                    return Flow.Break;
                case ContinueStmt:
                    return Flow.Continue;
                default:
                    throw new InvalidOperationException("unknown statement " + stmt.GetType().Name);
            }
        }
        catch (TemplateException e) when (e.Line == 0)
        {
            throw new TemplateException(e.Message, e.Kind, stmt.Line);
        }
    }

    private void RenderLoop(ForStmt f, object? iterable, Scope scope, StringBuilder sb, int depth0)
    {
        var items = PyOps.Iterate(iterable);
        if (f.Filter is not null)
        {
            // "for x in xs if cond": filtered before loop.index/length are computed.
            items = items.Where(item =>
            {
                var test = new Scope(scope);
                Assign(f.Target, item, test);
                return PyOps.Truthy(Eval(f.Filter, test));
            }).ToList();
        }
        Func<object?, string>? recurse = f.Recursive
            ? child =>
            {
                var inner = new StringBuilder();
                RenderLoop(f, child, scope, inner, depth0 + 1);
                return inner.ToString();
            }
            : null;
        var loop = new LoopContext(items, depth0, recurse);
        // Jinja runs the else block unless some iteration reached the end of the body, so a loop whose
        // every iteration hits break or continue also gets it.
        var completedAnIteration = false;
        for (var i = 0; i < items.Count; i++)
        {
            loop.Index0 = i;
            var iteration = new Scope(scope);
            iteration.Set("loop", loop);
            Assign(f.Target, items[i], iteration);
            var flow = Render(f.Body, iteration, sb);
            if (flow == Flow.Break) break;
            if (flow == Flow.Normal) completedAnIteration = true;
        }
        if (!completedAnIteration) Render(f.Else, new Scope(scope), sb);
    }

    private void Assign(Target target, object? value, Scope scope)
    {
        switch (target)
        {
            case NameTarget n:
                scope.Set(n.Name, value);
                break;
            case TupleTarget t:
                var items = PyOps.Iterate(value);
                if (items.Count < t.Items.Count)
                    throw TemplateException.Type($"not enough values to unpack (expected {t.Items.Count}, got {items.Count})");
                if (items.Count > t.Items.Count)
                    throw TemplateException.Type($"too many values to unpack (expected {t.Items.Count})");
                for (var i = 0; i < items.Count; i++) Assign(t.Items[i], items[i], scope);
                break;
            case AttrTarget a:
                if (!scope.TryGet(a.Name, out var ns) || ns is not NamespaceValue space)
                    throw TemplateException.Type("cannot assign attribute on non-namespace object");
                space.Attributes[a.Attr] = value;
                break;
        }
    }

    private object? ApplyFilters(IReadOnlyList<FilterExpr> filters, object? value, Scope scope)
    {
        foreach (var f in filters) value = ApplyFilter(f, value, scope);
        return value;
    }
}
