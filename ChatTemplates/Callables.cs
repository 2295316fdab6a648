namespace ChatTemplates;

/// <summary>Anything a template can call: globals, bound methods, macros, loop(...), caller().</summary>
internal interface ICallable
{
    string Name { get; }

    object? Call(Arguments args);
}

/// <summary>A built-in function or bound method implemented in C#.</summary>
internal sealed class BuiltinFunction(string name, Func<Arguments, object?> body) : ICallable
{
    public string Name { get; } = name;

    public object? Call(Arguments args) => body(args);
}
