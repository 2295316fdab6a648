namespace ChatTemplates;

/// <summary>Jinja2's built-in tests (<c>value is name(args)</c>), with Python's type rules: bool
/// counts as a number but not an integer, undefined is iterable, dicts are sequences.</summary>
internal static class Tests
{
    public delegate bool Test(object? value, Arguments args);

    private static readonly Dictionary<string, Test> All = new(StringComparer.Ordinal)
    {
        ["defined"] = (v, _) => v is not Undefined,
        ["undefined"] = (v, _) => v is Undefined,
        ["none"] = (v, _) => v is null,
        ["boolean"] = (v, _) => v is bool,
        ["true"] = (v, _) => v is true,
        ["false"] = (v, _) => v is false,
        ["integer"] = (v, _) => v is long,
        ["float"] = (v, _) => v is double,
        ["number"] = (v, _) => PyOps.IsNumber(v),
        ["string"] = (v, _) => v is string,
        ["mapping"] = (v, _) => v is DictValue,
        ["sequence"] = (v, _) => v is string or List<object?> or TupleValue or DictValue or Undefined,
        ["iterable"] = (v, _) => v is string or List<object?> or TupleValue or DictValue or Undefined,
        ["callable"] = (v, _) => v is ICallable or Undefined,
        ["sameas"] = (v, a) => SameAs(v, a.Get(0, "other")),
        ["escaped"] = (_, _) => false,
        ["in"] = (v, a) => PyOps.Contains(a.Get(0, "seq"), v),
        ["odd"] = (v, _) => PyOps.Equal(PyOps.Binary("%", v, 2L), 1L),
        ["even"] = (v, _) => PyOps.Equal(PyOps.Binary("%", v, 2L), 0L),
        ["divisibleby"] = (v, a) => PyOps.Equal(PyOps.Binary("%", v, a.Get(0, "num")), 0L),
        ["eq"] = Eq,
        ["equalto"] = Eq,
        ["=="] = Eq,
        ["ne"] = (v, a) => !PyOps.Equal(v, a.Get(0, "other")),
        ["!="] = (v, a) => !PyOps.Equal(v, a.Get(0, "other")),
        ["lt"] = (v, a) => PyOps.Compare(v, a.Get(0, "other"), "<") < 0,
        ["lessthan"] = (v, a) => PyOps.Compare(v, a.Get(0, "other"), "<") < 0,
        ["<"] = (v, a) => PyOps.Compare(v, a.Get(0, "other"), "<") < 0,
        ["le"] = (v, a) => PyOps.Compare(v, a.Get(0, "other"), "<=") <= 0,
        ["<="] = (v, a) => PyOps.Compare(v, a.Get(0, "other"), "<=") <= 0,
        ["gt"] = (v, a) => PyOps.Compare(v, a.Get(0, "other"), ">") > 0,
        ["greaterthan"] = (v, a) => PyOps.Compare(v, a.Get(0, "other"), ">") > 0,
        [">"] = (v, a) => PyOps.Compare(v, a.Get(0, "other"), ">") > 0,
        ["ge"] = (v, a) => PyOps.Compare(v, a.Get(0, "other"), ">=") >= 0,
        [">="] = (v, a) => PyOps.Compare(v, a.Get(0, "other"), ">=") >= 0,
        ["lower"] = (v, _) => PyFormat.Str(v) is var s && s.Any(char.IsLower) && !s.Any(char.IsUpper),
        ["upper"] = (v, _) => PyFormat.Str(v) is var s && s.Any(char.IsUpper) && !s.Any(char.IsLower),
        ["filter"] = (v, _) => v is string name && Filters.TryGet(name, out Filters.Filter _),
        ["test"] = (v, _) => v is string name && TryGet(name, out Test _),
    };

    public static bool TryGet(string name, out Test test) => All.TryGetValue(name, out test!);

    private static bool Eq(object? v, Arguments a) => PyOps.Equal(v, a.Get(0, "other"));

    /// <summary>Python's "is": identity. Values that CPython interns (None, bools, small ints) compare
    /// by value; everything else by reference.</summary>
    private static bool SameAs(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (bool x, bool y) => x == y,
        (long x, long y) => x == y && x is >= -5 and <= 256,
        _ => ReferenceEquals(a, b),
    };
}
