namespace ChatTemplates;

/// <summary>
/// A parsed Jinja chat template, rendered with Hugging Face's apply_chat_template semantics
/// (sandboxed, trim_blocks, lstrip_blocks, raise_exception, tojson, strftime_now). Parse once,
/// render many times; rendering is thread-safe.
/// </summary>
public sealed class ChatTemplate
{
    private readonly IReadOnlyList<Stmt> _body;

    private ChatTemplate(IReadOnlyList<Stmt> body) => _body = body;

    /// <summary>Parses template source. Throws <see cref="TemplateException"/> on syntax errors.</summary>
    public static ChatTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Guard(() => new ChatTemplate(Parser.Parse(source)));
    }

    /// <summary>Renders with these variables (JsonElement, dictionaries, lists and primitives are
    /// converted to Python-like values). Throws <see cref="TemplateException"/>; for
    /// raise_exception(message) its message is exactly the template's.</summary>
    public string Render(IReadOnlyDictionary<string, object?> variables) => Render(variables, () => DateTime.Now);

    internal string Render(IReadOnlyDictionary<string, object?> variables, Func<DateTime> now)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var context = new Scope(Globals.CreateScope(now));
        foreach (var (name, value) in variables) context.Set(name, ValueConverter.FromClr(value));
        return Guard(() => new Evaluator().RenderToString(_body, new Scope(context)));
    }

    // Runaway recursion (a macro calling itself, absurdly nested syntax) must not take the process
    // down with a StackOverflowException, and a slip in a rarely used built-in should reach the caller
    // as a template error (a bad request), not as an unexpected exception.
    private static T Guard<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (InsufficientExecutionStackException)
        {
            throw new TemplateException("maximum recursion depth exceeded");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidCastException or
                                       IndexOutOfRangeException or OverflowException or FormatException)
        {
            throw new TemplateException($"template runtime error: {e.GetType().Name}: {e.Message}");
        }
    }
}
