namespace ChatTemplates;

/// <summary>
/// Jinja's default Undefined: renders as "", is falsy, iterates as empty and has length 0, but using it
/// further (attribute, item, call, arithmetic, ordering) raises the error it carries.
/// </summary>
internal sealed class Undefined
{
    private Undefined(string message, TemplateErrorKind kind)
    {
        Message = message;
        Kind = kind;
    }

    /// <summary>The message Jinja's UndefinedError would carry, e.g. "'x' is undefined".</summary>
    public string Message { get; }

    public TemplateErrorKind Kind { get; }

    public static Undefined Named(string name) => new($"'{name}' is undefined", TemplateErrorKind.Undefined);

    /// <summary>A missing attribute or item of an existing object; the wording follows Jinja's
    /// _undefined_message (quoted type for string keys, "has no element" for others).</summary>
    public static Undefined Missing(object? owner, object? key) =>
        new(key is string name
                ? $"{PyFormat.Repr(PyFormat.ObjectTypeRepr(owner))} has no attribute {PyFormat.Repr(name)}"
                : $"{PyFormat.ObjectTypeRepr(owner)} has no element {PyFormat.Repr(key)}",
            TemplateErrorKind.Undefined);

    public static Undefined Hint(string message) => new(message, TemplateErrorKind.Undefined);

    /// <summary>What the sandbox returns for a method it will not let templates call (list.append...).</summary>
    public static Undefined Unsafe(object? owner, string attribute) =>
        new($"access to attribute {PyFormat.Repr(attribute)} of {PyFormat.Repr(PyFormat.TypeName(owner))} object is unsafe.",
            TemplateErrorKind.Security);

    public TemplateException Error() => new(Message, Kind);
}
