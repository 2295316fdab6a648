namespace ChatTemplates;

internal enum TokenKind
{
    /// <summary>Literal template text between tags.</summary>
    Data,
    BlockBegin,
    BlockEnd,
    VariableBegin,
    VariableEnd,
    Name,
    String,
    Integer,
    Float,
    /// <summary>Punctuation and operators; the text is in <see cref="Token.Value"/>.</summary>
    Operator,
    Eof,
}

/// <summary>One lexer token. Value holds the text, decoded string, or number.</summary>
internal readonly record struct Token(TokenKind Kind, object Value, int Line)
{
    public string Text => Value as string ?? Convert.ToString(Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";

    public bool IsOperator(string op) => Kind == TokenKind.Operator && (string)Value == op;

    public bool IsName(string name) => Kind == TokenKind.Name && (string)Value == name;

    public override string ToString() => Kind switch
    {
        TokenKind.Eof => "end of template",
        TokenKind.BlockEnd => "end of statement block",
        TokenKind.VariableEnd => "end of print statement",
        TokenKind.Data => "template data",
        _ => $"'{Text}'",
    };
}
