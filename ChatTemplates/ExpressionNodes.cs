namespace ChatTemplates;

/// <summary>Expression syntax tree. Line is kept for error messages.</summary>
internal abstract record Expr(int Line);

internal sealed record ConstExpr(object? Value, int Line) : Expr(Line);

internal sealed record NameExpr(string Name, int Line) : Expr(Line);

internal sealed record ListExpr(IReadOnlyList<Expr> Items, int Line) : Expr(Line);

internal sealed record TupleExpr(IReadOnlyList<Expr> Items, int Line) : Expr(Line);

internal sealed record DictExpr(IReadOnlyList<(Expr Key, Expr Value)> Pairs, int Line) : Expr(Line);

/// <summary><c>x.name</c>: attribute first, then item (Jinja's getattr).</summary>
internal sealed record GetAttrExpr(Expr Target, string Name, int Line) : Expr(Line);

/// <summary><c>x[key]</c>: item first, then attribute (Jinja's getitem). Key may be a <see cref="SliceExpr"/>.</summary>
internal sealed record GetItemExpr(Expr Target, Expr Key, int Line) : Expr(Line);

internal sealed record SliceExpr(Expr? Start, Expr? Stop, Expr? Step, int Line) : Expr(Line);

internal sealed record CallArgs(
    IReadOnlyList<Expr> Positional,
    IReadOnlyList<(string Name, Expr Value)> Named,
    Expr? SpreadPositional,
    Expr? SpreadNamed)
{
    public static readonly CallArgs Empty = new([], [], null, null);
}

internal sealed record CallExpr(Expr Callee, CallArgs Args, int Line) : Expr(Line);

/// <summary><c>target|name(args)</c>. Target is null inside <c>{% filter %}</c> and <c>{% set x | f %}</c>,
/// where the rendered body is the input.</summary>
internal sealed record FilterExpr(Expr? Target, string Name, CallArgs Args, int Line) : Expr(Line);

/// <summary><c>target is name args</c>; <c>is not</c> is a <see cref="UnaryExpr"/> "not" around it.</summary>
internal sealed record TestExpr(Expr Target, string Name, CallArgs Args, int Line) : Expr(Line);

/// <summary>Operators "not", "-" and "+".</summary>
internal sealed record UnaryExpr(string Op, Expr Operand, int Line) : Expr(Line);

/// <summary>Arithmetic (+ - * / // % **), concatenation (~) and the short-circuit "and"/"or".</summary>
internal sealed record BinaryExpr(string Op, Expr Left, Expr Right, int Line) : Expr(Line);

/// <summary>A comparison chain such as <c>a &lt; b &lt;= c</c>; ops are == != &lt; &lt;= &gt; &gt;= in notin.</summary>
internal sealed record CompareExpr(Expr First, IReadOnlyList<(string Op, Expr Right)> Rest, int Line) : Expr(Line);

/// <summary><c>then if test else otherwise</c>; a missing else yields undefined.</summary>
internal sealed record CondExpr(Expr Test, Expr Then, Expr? Else, int Line) : Expr(Line);
