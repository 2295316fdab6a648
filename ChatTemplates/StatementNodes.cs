namespace ChatTemplates;

/// <summary>Template statement tree: what a parsed template is made of.</summary>
internal abstract record Stmt(int Line);

internal sealed record TextStmt(string Text, int Line) : Stmt(Line);

/// <summary><c>{{ expr }}</c>.</summary>
internal sealed record OutputStmt(Expr Value, int Line) : Stmt(Line);

internal sealed record IfStmt(IReadOnlyList<(Expr Test, IReadOnlyList<Stmt> Body)> Branches, IReadOnlyList<Stmt> Else, int Line) : Stmt(Line);

internal sealed record ForStmt(Target Target, Expr Iterable, Expr? Filter, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt> Else, bool Recursive, int Line) : Stmt(Line);

internal sealed record SetStmt(Target Target, Expr Value, int Line) : Stmt(Line);

/// <summary><c>{% set x %}body{% endset %}</c>, optionally <c>{% set x | filter %}</c>.</summary>
internal sealed record SetBlockStmt(Target Target, IReadOnlyList<FilterExpr> Filters, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

internal sealed record MacroParam(string Name, Expr? Default);

internal sealed record MacroStmt(string Name, IReadOnlyList<MacroParam> Params, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

/// <summary><c>{% call(params) macro(args) %}body{% endcall %}</c>: the body becomes <c>caller()</c>.</summary>
internal sealed record CallBlockStmt(CallExpr Call, IReadOnlyList<MacroParam> Params, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

internal sealed record FilterBlockStmt(IReadOnlyList<FilterExpr> Filters, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

internal sealed record WithStmt(IReadOnlyList<(Target Target, Expr Value)> Assignments, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

internal sealed record BreakStmt(int Line) : Stmt(Line);

internal sealed record ContinueStmt(int Line) : Stmt(Line);

/// <summary>Left-hand sides of set/for/with.</summary>
internal abstract record Target;

internal sealed record NameTarget(string Name) : Target;

internal sealed record TupleTarget(IReadOnlyList<Target> Items) : Target;

/// <summary><c>ns.attr</c>: only allowed on namespace() objects.</summary>
internal sealed record AttrTarget(string Name, string Attr) : Target;
