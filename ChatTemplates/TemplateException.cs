namespace ChatTemplates;

/// <summary>What went wrong, in Jinja's terms, so callers can map it (e.g. to an HTTP 400).</summary>
public enum TemplateErrorKind
{
    /// <summary>The template text does not parse (Jinja's TemplateSyntaxError).</summary>
    Syntax,
    /// <summary>The template called raise_exception(message).</summary>
    Raised,
    /// <summary>An undefined value was used in a way Jinja refuses (UndefinedError).</summary>
    Undefined,
    /// <summary>A Python-level type or value error (TypeError, ValueError, ZeroDivisionError...).</summary>
    Runtime,
    /// <summary>The sandbox refused an operation (SecurityError), e.g. list.append.</summary>
    Security,
}

/// <summary>
/// Any failure to parse or render a chat template. The message follows the one Python Jinja2 would
/// raise; for raise_exception it is exactly the template's message.
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string message, TemplateErrorKind kind = TemplateErrorKind.Runtime, int line = 0)
        : base(message)
    {
        Kind = kind;
        Line = line;
    }

    public TemplateErrorKind Kind { get; }

    /// <summary>1-based template line where known, else 0.</summary>
    public int Line { get; }

    internal static TemplateException Syntax(string message, int line) =>
        new($"{message} (line {line})", TemplateErrorKind.Syntax, line);

    internal static TemplateException Type(string message) => new(message, TemplateErrorKind.Runtime);
}
