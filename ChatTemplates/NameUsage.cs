namespace ChatTemplates;

/// <summary>Whether a template body reads a given variable name anywhere (nested blocks included);
/// macros use it to decide if they take varargs, kwargs and caller, as Jinja does.</summary>
internal static class NameUsage
{
    public static bool Uses(IReadOnlyList<Stmt> body, string name) => body.Any(s => Uses(s, name));

    private static bool Uses(Stmt stmt, string name) => stmt switch
    {
        OutputStmt o => Uses(o.Value, name),
        IfStmt i => i.Branches.Any(b => Uses(b.Test, name) || Uses(b.Body, name)) || Uses(i.Else, name),
        ForStmt f => Uses(f.Iterable, name) || Uses(f.Filter, name) || Uses(f.Body, name) || Uses(f.Else, name),
        SetStmt s => Uses(s.Value, name),
        SetBlockStmt s => s.Filters.Any(f => Uses(f, name)) || Uses(s.Body, name),
        MacroStmt m => m.Params.Any(p => Uses(p.Default, name)) || Uses(m.Body, name),
        CallBlockStmt c => Uses(c.Call, name) || Uses(c.Body, name),
        FilterBlockStmt f => f.Filters.Any(x => Uses(x, name)) || Uses(f.Body, name),
        WithStmt w => w.Assignments.Any(a => Uses(a.Value, name)) || Uses(w.Body, name),
        _ => false,
    };

    private static bool Uses(Expr? expr, string name) => expr switch
    {
        null => false,
        NameExpr n => n.Name == name,
        ListExpr l => l.Items.Any(x => Uses(x, name)),
        TupleExpr t => t.Items.Any(x => Uses(x, name)),
        DictExpr d => d.Pairs.Any(p => Uses(p.Key, name) || Uses(p.Value, name)),
        GetAttrExpr g => Uses(g.Target, name),
        GetItemExpr g => Uses(g.Target, name) || Uses(g.Key, name),
        SliceExpr s => Uses(s.Start, name) || Uses(s.Stop, name) || Uses(s.Step, name),
        CallExpr c => Uses(c.Callee, name) || Uses(c.Args, name),
        FilterExpr f => Uses(f.Target, name) || Uses(f.Args, name),
        TestExpr t => Uses(t.Target, name) || Uses(t.Args, name),
        UnaryExpr u => Uses(u.Operand, name),
        BinaryExpr b => Uses(b.Left, name) || Uses(b.Right, name),
        CompareExpr c => Uses(c.First, name) || c.Rest.Any(r => Uses(r.Right, name)),
        CondExpr c => Uses(c.Test, name) || Uses(c.Then, name) || Uses(c.Else, name),
        _ => false,
    };

    private static bool Uses(CallArgs args, string name) =>
        args.Positional.Any(a => Uses(a, name)) || args.Named.Any(a => Uses(a.Value, name)) ||
        Uses(args.SpreadPositional, name) || Uses(args.SpreadNamed, name);
}
