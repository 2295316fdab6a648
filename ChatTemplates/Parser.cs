namespace ChatTemplates;

/// <summary>
/// Recursive-descent parser over the lexer's tokens, following Jinja2's grammar and operator
/// precedence (or &lt; and &lt; not &lt; comparisons &lt; + - &lt; ~ &lt; * / // % &lt; ** &lt; unary &lt;
/// postfix, with filters and tests binding to the unary operand).
/// </summary>
internal sealed class Parser
{
    private static readonly HashSet<string> CompareOps = ["==", "!=", ">", ">=", "<", "<="];

    private readonly List<Token> _tokens;
    // Innermost open block tag first, for "looking for endfor" style messages.
    private readonly Stack<(string Block, string[] EndTags)> _open = new();
    private int _i;
    private int _loopDepth;

    private Parser(List<Token> tokens)
    {
        _tokens = tokens;
        _tokens.Add(new Token(TokenKind.Eof, "", tokens.Count > 0 ? tokens[^1].Line : 1));
    }

    public static IReadOnlyList<Stmt> Parse(string source) => new Parser(Lexer.Tokenize(source)).ParseBody(null);

    private Token Current => _tokens[_i];

    private Token Look(int ahead = 1) => _tokens[Math.Min(_i + ahead, _tokens.Count - 1)];

    private Token Next() => _tokens[_i < _tokens.Count - 1 ? _i++ : _i];

    private static TemplateException Fail(string message, Token at) => TemplateException.Syntax(message, at.Line);

    private Token Expect(TokenKind kind)
    {
        if (Current.Kind != kind) throw Fail($"expected {Describe(kind)}, got {Current}", Current);
        return Next();
    }

    private void ExpectOp(string op)
    {
        if (!Current.IsOperator(op)) throw Fail($"expected token '{op}', got {Current}", Current);
        Next();
    }

    private void ExpectName(string name)
    {
        if (!Current.IsName(name)) throw Fail($"expected token '{name}', got {Current}", Current);
        Next();
    }

    private bool SkipOp(string op)
    {
        if (!Current.IsOperator(op)) return false;
        Next();
        return true;
    }

    private bool SkipName(string name)
    {
        if (!Current.IsName(name)) return false;
        Next();
        return true;
    }

    private static string Describe(TokenKind kind) => kind switch
    {
        TokenKind.BlockEnd => "end of statement block",
        TokenKind.VariableEnd => "end of print statement",
        TokenKind.Name => "name",
        TokenKind.Eof => "end of template",
        _ => kind.ToString().ToLowerInvariant(),
    };

    // ---------------------------------------------------------------- statements

    /// <summary>Parses until a tag named in the innermost open block's end tags; the stream is then on
    /// that tag's name. At top level (block null) parses to the end.</summary>
    private List<Stmt> ParseBody(string? block, params string[] endTags)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (block is not null) _open.Push((block, endTags));
        var body = new List<Stmt>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Data:
                    body.Add(new TextStmt(token.Text, token.Line));
                    Next();
                    break;
                case TokenKind.VariableBegin:
                    Next();
                    var value = ParseTuple();
                    Expect(TokenKind.VariableEnd);
                    body.Add(new OutputStmt(value, token.Line));
                    break;
                case TokenKind.BlockBegin:
                    Next();
                    if (Current.Kind != TokenKind.Name) throw Fail("tag name expected", Current);
                    if (endTags.Contains(Current.Text))
                    {
                        _open.Pop();
                        return body;
                    }
                    body.AddRange(ParseStatement());
                    break;
                case TokenKind.Eof:
                    if (block is null) return body;
                    throw Fail("Unexpected end of template. " + LookingFor(), token);
                default:
                    throw Fail($"unexpected {token}", token);
            }
        }
    }

    private string LookingFor()
    {
        if (_open.Count == 0) return "";
        var (block, endTags) = _open.Peek();
        return $"Jinja was looking for the following tags: {string.Join(" or ", endTags.Select(t => $"'{t}'"))}. " +
               $"The innermost block that needs to be closed is '{block}'.";
    }

    /// <summary>Consumes "name %}" of an end or middle tag such as endfor / else.</summary>
    private void EndTag(string name)
    {
        ExpectName(name);
        Expect(TokenKind.BlockEnd);
    }

    private IEnumerable<Stmt> ParseStatement()
    {
        var token = Current;
        switch (token.Text)
        {
            case "if": return [ParseIf()];
            case "for": return [ParseFor()];
            case "set": return [ParseSet()];
            case "macro": return [ParseMacro()];
            case "call": return [ParseCallBlock()];
            case "filter": return [ParseFilterBlock()];
            case "with": return [ParseWith()];
            case "break" or "continue":
                Next();
                if (_loopDepth == 0) throw Fail($"Encountered '{token.Text}' outside of a loop.", token);
                Expect(TokenKind.BlockEnd);
                return [token.Text == "break" ? new BreakStmt(token.Line) : new ContinueStmt(token.Line)];
            case "generation":
                // Hugging Face's AssistantTracker marks assistant text for masks; rendering is unchanged.
                Next();
                Expect(TokenKind.BlockEnd);
                var body = ParseBody("generation", "endgeneration");
                EndTag("endgeneration");
                return body;
            default:
                var suffix = _open.Count > 0 ? " " + LookingFor() : "";
                throw Fail($"Encountered unknown tag '{token.Text}'.{suffix}", token);
        }
    }

    private IfStmt ParseIf()
    {
        var line = Next().Line;
        var branches = new List<(Expr, IReadOnlyList<Stmt>)>();
        IReadOnlyList<Stmt> otherwise = [];
        var test = ParseTuple(withCondExpr: false);
        while (true)
        {
            Expect(TokenKind.BlockEnd);
            var body = ParseBody("if", "elif", "else", "endif");
            branches.Add((test, body));
            var tag = Next().Text;
            if (tag == "elif")
            {
                test = ParseTuple(withCondExpr: false);
                continue;
            }
            if (tag == "else")
            {
                Expect(TokenKind.BlockEnd);
                otherwise = ParseBody("if", "endif");
                EndTag("endif");
            }
            else Expect(TokenKind.BlockEnd);
            return new IfStmt(branches, otherwise, line);
        }
    }

    private ForStmt ParseFor()
    {
        var line = Next().Line;
        var target = ParseAssignTarget();
        ExpectName("in");
        var iterable = ParseTuple(withCondExpr: false, extraEnd: "recursive");
        var filter = SkipName("if") ? ParseExpression() : null;
        var recursive = SkipName("recursive");
        Expect(TokenKind.BlockEnd);
        _loopDepth++;
        var body = ParseBody("for", "endfor", "else");
        _loopDepth--;
        IReadOnlyList<Stmt> otherwise = [];
        if (Next().Text == "else")
        {
            Expect(TokenKind.BlockEnd);
            otherwise = ParseBody("for", "endfor");
            EndTag("endfor");
        }
        else Expect(TokenKind.BlockEnd);
        return new ForStmt(target, iterable, filter, body, otherwise, recursive, line);
    }

    private Stmt ParseSet()
    {
        var line = Next().Line;
        var target = ParseAssignTarget(withNamespace: true);
        if (SkipOp("="))
        {
            var value = ParseTuple();
            Expect(TokenKind.BlockEnd);
            return new SetStmt(target, value, line);
        }
        var filters = ParseFilterChain();
        Expect(TokenKind.BlockEnd);
        var body = ParseBody("set", "endset");
        EndTag("endset");
        return new SetBlockStmt(target, filters, body, line);
    }

    private MacroStmt ParseMacro()
    {
        var line = Next().Line;
        var name = Expect(TokenKind.Name).Text;
        var parameters = ParseSignature();
        Expect(TokenKind.BlockEnd);
        var depth = _loopDepth;
        _loopDepth = 0;
        var body = ParseBody("macro", "endmacro");
        _loopDepth = depth;
        EndTag("endmacro");
        return new MacroStmt(name, parameters, body, line);
    }

    private List<MacroParam> ParseSignature()
    {
        var parameters = new List<MacroParam>();
        ExpectOp("(");
        while (!Current.IsOperator(")"))
        {
            if (parameters.Count > 0) ExpectOp(",");
            var name = Expect(TokenKind.Name);
            Expr? defaultValue = null;
            if (SkipOp("=")) defaultValue = ParseExpression();
            else if (parameters.Count > 0 && parameters[^1].Default is not null)
                throw Fail("non-default argument follows default argument", name);
            parameters.Add(new MacroParam(name.Text, defaultValue));
        }
        ExpectOp(")");
        return parameters;
    }

    private CallBlockStmt ParseCallBlock()
    {
        var line = Next().Line;
        var parameters = Current.IsOperator("(") ? ParseSignature() : [];
        if (ParseExpression() is not CallExpr call) throw Fail("expected call", Current);
        Expect(TokenKind.BlockEnd);
        var body = ParseBody("call", "endcall");
        EndTag("endcall");
        return new CallBlockStmt(call, parameters, body, line);
    }

    private FilterBlockStmt ParseFilterBlock()
    {
        var line = Next().Line;
        var filters = ParseFilterChain(startInline: true);
        Expect(TokenKind.BlockEnd);
        var body = ParseBody("filter", "endfilter");
        EndTag("endfilter");
        return new FilterBlockStmt(filters, body, line);
    }

    private WithStmt ParseWith()
    {
        var line = Next().Line;
        var assignments = new List<(Target, Expr)>();
        while (Current.Kind != TokenKind.BlockEnd)
        {
            if (assignments.Count > 0) ExpectOp(",");
            var target = ParseAssignTarget();
            ExpectOp("=");
            assignments.Add((target, ParseExpression()));
        }
        Expect(TokenKind.BlockEnd);
        var body = ParseBody("with", "endwith");
        EndTag("endwith");
        return new WithStmt(assignments, body, line);
    }

    /// <summary>A name, <c>ns.attr</c> (set only), or a possibly parenthesised tuple of names.</summary>
    private Target ParseAssignTarget(bool withNamespace = false)
    {
        if (withNamespace && Current.Kind == TokenKind.Name && Look().IsOperator("."))
        {
            var name = Next().Text;
            Next();
            return new AttrTarget(name, Expect(TokenKind.Name).Text);
        }
        var items = new List<Target>();
        var isTuple = false;
        while (true)
        {
            items.Add(ParseTargetItem());
            if (!SkipOp(",")) break;
            isTuple = true;
            if (Current.IsOperator("=") || Current.IsName("in") || Current.Kind == TokenKind.BlockEnd) break;
        }
        return isTuple ? new TupleTarget(items) : items[0];
    }

    private Target ParseTargetItem()
    {
        if (SkipOp("("))
        {
            var items = new List<Target>();
            while (!Current.IsOperator(")"))
            {
                if (items.Count > 0) ExpectOp(",");
                if (Current.IsOperator(")")) break;
                items.Add(ParseTargetItem());
            }
            ExpectOp(")");
            return new TupleTarget(items);
        }
        var token = Current;
        if (token.Kind != TokenKind.Name || token.Text is "true" or "false" or "none" or "True" or "False" or "None")
            throw Fail($"can't assign to {token}", token);
        Next();
        return new NameTarget(token.Text);
    }

    private List<FilterExpr> ParseFilterChain(bool startInline = false)
    {
        var filters = new List<FilterExpr>();
        while (startInline || SkipOp("|"))
        {
            startInline = false;
            filters.Add(ParseFilterCall(null));
        }
        return filters;
    }

    // ---------------------------------------------------------------- expressions

    /// <summary>Comma-separated expressions form a tuple even without parentheses (<c>{% set a = 1, 2 %}</c>).</summary>
    private Expr ParseTuple(bool withCondExpr = true, string? extraEnd = null, bool explicitParens = false)
    {
        var line = Current.Line;
        var items = new List<Expr>();
        var isTuple = false;
        while (true)
        {
            if (items.Count > 0) ExpectOp(",");
            if (Current.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd || Current.IsOperator(")") ||
                (extraEnd is not null && Current.IsName(extraEnd)))
                break;
            items.Add(withCondExpr ? ParseExpression() : ParseOr());
            if (Current.IsOperator(",")) isTuple = true;
            else break;
        }
        if (!isTuple)
        {
            if (items.Count > 0) return items[0];
            if (!explicitParens) throw Fail($"Expected an expression, got {Current}", Current);
        }
        return new TupleExpr(items, line);
    }

    private Expr ParseExpression() => ParseCondExpr();

    private Expr ParseCondExpr()
    {
        var line = Current.Line;
        var expr = ParseOr();
        while (SkipName("if"))
        {
            var test = ParseOr();
            var otherwise = SkipName("else") ? ParseCondExpr() : null;
            expr = new CondExpr(test, expr, otherwise, line);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            var line = Next().Line;
            left = new BinaryExpr("or", left, ParseAnd(), line);
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            var line = Next().Line;
            left = new BinaryExpr("and", left, ParseNot(), line);
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (!Current.IsName("not")) return ParseCompare();
        var line = Next().Line;
        return new UnaryExpr("not", ParseNot(), line);
    }

    private Expr ParseCompare()
    {
        var line = Current.Line;
        var first = ParseMath1();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && CompareOps.Contains(Current.Text))
            {
                var op = Next().Text;
                rest.Add((op, ParseMath1()));
            }
            else if (SkipName("in")) rest.Add(("in", ParseMath1()));
            else if (Current.IsName("not") && Look().IsName("in"))
            {
                Next();
                Next();
                rest.Add(("notin", ParseMath1()));
            }
            else break;
        }
        return rest.Count == 0 ? first : new CompareExpr(first, rest, line);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Next();
            left = new BinaryExpr(op.Text, left, ParseConcat(), op.Line);
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var left = ParseMath2();
        while (Current.IsOperator("~"))
        {
            var op = Next();
            left = new BinaryExpr("~", left, ParseMath2(), op.Line);
        }
        return left;
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (Current.Kind == TokenKind.Operator && Current.Text is "*" or "/" or "//" or "%")
        {
            var op = Next();
            left = new BinaryExpr(op.Text, left, ParsePow(), op.Line);
        }
        return left;
    }

    // Jinja's ** is left-associative: 2**3**2 == 64.
    private Expr ParsePow()
    {
        var left = ParseUnary();
        while (Current.IsOperator("**"))
        {
            var op = Next();
            left = new BinaryExpr("**", left, ParseUnary(), op.Line);
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter = true)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        Expr node;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            var op = Next();
            node = new UnaryExpr(op.Text, ParseUnary(withFilter: false), op.Line);
        }
        else node = ParsePrimary();
        node = ParsePostfix(node);
        return withFilter ? ParseFilterExpr(node) : node;
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Name:
                Next();
                return token.Text switch
                {
                    "true" or "True" => new ConstExpr(true, token.Line),
                    "false" or "False" => new ConstExpr(false, token.Line),
                    "none" or "None" => new ConstExpr(null, token.Line),
                    _ => new NameExpr(token.Text, token.Line),
                };
            case TokenKind.String:
                // Adjacent literals concatenate, as in Python.
                var text = "";
                while (Current.Kind == TokenKind.String) text += Next().Text;
                return new ConstExpr(text, token.Line);
            case TokenKind.Integer:
            case TokenKind.Float:
                Next();
                return new ConstExpr(token.Value, token.Line);
            case TokenKind.Operator when token.Text == "(":
                Next();
                var inner = ParseTuple(explicitParens: true);
                ExpectOp(")");
                return inner;
            case TokenKind.Operator when token.Text == "[":
                Next();
                var items = new List<Expr>();
                while (!Current.IsOperator("]"))
                {
                    if (items.Count > 0) ExpectOp(",");
                    if (Current.IsOperator("]")) break;
                    items.Add(ParseExpression());
                }
                ExpectOp("]");
                return new ListExpr(items, token.Line);
            case TokenKind.Operator when token.Text == "{":
                Next();
                var pairs = new List<(Expr, Expr)>();
                while (!Current.IsOperator("}"))
                {
                    if (pairs.Count > 0) ExpectOp(",");
                    if (Current.IsOperator("}")) break;
                    var key = ParseExpression();
                    ExpectOp(":");
                    pairs.Add((key, ParseExpression()));
                }
                ExpectOp("}");
                return new DictExpr(pairs, token.Line);
            default:
                throw Fail($"unexpected {token}", token);
        }
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator(".") || Current.IsOperator("[")) node = ParseSubscript(node);
            else if (Current.IsOperator("(")) node = new CallExpr(node, ParseCallArgs(), node.Line);
            else return node;
        }
    }

    private Expr ParseFilterExpr(Expr node)
    {
        while (true)
        {
            if (SkipOp("|")) node = ParseFilterCall(node);
            else if (Current.IsName("is")) node = ParseTest(node);
            else if (Current.IsOperator("(")) node = new CallExpr(node, ParseCallArgs(), node.Line);
            else return node;
        }
    }

    private Expr ParseSubscript(Expr node)
    {
        var token = Next();
        if (token.IsOperator("."))
        {
            var attr = Next();
            if (attr.Kind == TokenKind.Name) return new GetAttrExpr(node, attr.Text, token.Line);
            if (attr.Kind == TokenKind.Integer) return new GetItemExpr(node, new ConstExpr(attr.Value, attr.Line), token.Line);
            throw Fail("expected name or number", attr);
        }
        var args = new List<Expr>();
        while (!Current.IsOperator("]"))
        {
            if (args.Count > 0) ExpectOp(",");
            args.Add(ParseSubscribed());
        }
        ExpectOp("]");
        return new GetItemExpr(node, args.Count == 1 ? args[0] : new TupleExpr(args, token.Line), token.Line);
    }

    private Expr ParseSubscribed()
    {
        var line = Current.Line;
        Expr? start = null;
        if (!Current.IsOperator(":"))
        {
            start = ParseExpression();
            if (!Current.IsOperator(":")) return start;
        }
        Next();
        Expr? stop = null, step = null;
        if (!IsSliceEnd()) stop = ParseExpression();
        if (SkipOp(":") && !IsSliceEnd()) step = ParseExpression();
        return new SliceExpr(start, stop, step, line);

        bool IsSliceEnd() => Current.IsOperator("]") || Current.IsOperator(",") || Current.IsOperator(":");
    }

    private CallArgs ParseCallArgs()
    {
        var open = Current;
        ExpectOp("(");
        var positional = new List<Expr>();
        var named = new List<(string, Expr)>();
        Expr? spread = null, spreadNamed = null;
        var requireComma = false;
        while (!Current.IsOperator(")"))
        {
            if (requireComma)
            {
                ExpectOp(",");
                if (Current.IsOperator(")")) break;
            }
            if (SkipOp("*"))
            {
                if (spread is not null || spreadNamed is not null) throw Fail("invalid syntax for function call expression", open);
                spread = ParseExpression();
            }
            else if (SkipOp("**"))
            {
                if (spreadNamed is not null) throw Fail("invalid syntax for function call expression", open);
                spreadNamed = ParseExpression();
            }
            else if (Current.Kind == TokenKind.Name && Look().IsOperator("="))
            {
                if (spreadNamed is not null) throw Fail("invalid syntax for function call expression", open);
                var key = Next().Text;
                Next();
                named.Add((key, ParseExpression()));
            }
            else
            {
                if (spread is not null || spreadNamed is not null || named.Count > 0)
                    throw Fail("invalid syntax for function call expression", open);
                positional.Add(ParseExpression());
            }
            requireComma = true;
        }
        ExpectOp(")");
        return new CallArgs(positional, named, spread, spreadNamed);
    }

    private FilterExpr ParseFilterCall(Expr? target)
    {
        var token = Expect(TokenKind.Name);
        var name = token.Text;
        while (SkipOp(".")) name += "." + Expect(TokenKind.Name).Text;
        var args = Current.IsOperator("(") ? ParseCallArgs() : CallArgs.Empty;
        return new FilterExpr(target, name, args, token.Line);
    }

    private Expr ParseTest(Expr node)
    {
        var line = Next().Line;
        var negated = SkipName("not");
        var name = Expect(TokenKind.Name).Text;
        while (SkipOp(".")) name += "." + Expect(TokenKind.Name).Text;
        var args = CallArgs.Empty;
        var c = Current;
        if (c.IsOperator("(")) args = ParseCallArgs();
        else if ((c.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float ||
                  c.IsOperator("[") || c.IsOperator("{")) &&
                 !(c.IsName("else") || c.IsName("or") || c.IsName("and")))
        {
            // "x is divisibleby 3", "role is equalto 'user'": one primary argument without parentheses.
            if (c.IsName("is")) throw Fail("You cannot chain multiple tests with is", c);
            args = new CallArgs([ParsePostfix(ParsePrimary())], [], null, null);
        }
        Expr test = new TestExpr(node, name, args, line);
        return negated ? new UnaryExpr("not", test, line) : test;
    }
}
