namespace ChatTemplates;

/// <summary>Global functions: Jinja's range/namespace/dict with the sandbox's range limit, plus Hugging
/// Face's raise_exception and strftime_now.</summary>
internal static class Globals
{
    // SandboxedEnvironment's MAX_RANGE.
    private const long MaxRange = 100_000;

    public static Scope CreateScope(Func<DateTime> now)
    {
        var scope = new Scope(null);
        scope.Set("range", new BuiltinFunction("range", Range));
        scope.Set("namespace", new BuiltinFunction("namespace", Namespace));
        scope.Set("dict", new BuiltinFunction("dict", a => ToDict(a)));
        scope.Set("raise_exception", new BuiltinFunction("raise_exception", a =>
            throw new TemplateException(PyFormat.Str(a.Get(0, "message")), TemplateErrorKind.Raised)));
        scope.Set("strftime_now", new BuiltinFunction("strftime_now", a => StrfTime.Format(now(), PyFormat.Str(a.Get(0, "format")))));
        return scope;
    }

    private static object? Range(Arguments a)
    {
        var ints = a.Positional.Select(v => PyOps.IsInt(v)
            ? PyOps.AsLong(v)
            : throw TemplateException.Type($"{PyFormat.Repr(PyFormat.TypeName(v))} object cannot be interpreted as an integer")).ToList();
        var (start, stop, step) = ints.Count switch
        {
            1 => (0L, ints[0], 1L),
            2 => (ints[0], ints[1], 1L),
            3 => (ints[0], ints[1], ints[2]),
            _ => throw TemplateException.Type($"range expected at most 3 arguments, got {ints.Count}"),
        };
        if (step == 0) throw TemplateException.Type("range() arg 3 must not be zero");
        var count = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
        if (count > MaxRange)
            throw TemplateException.Type($"Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
        var result = new List<object?>();
        for (long i = 0; i < count; i++) result.Add(start + i * step);
        return result;
    }

    private static object? Namespace(Arguments a)
    {
        var ns = new NamespaceValue();
        foreach (var (key, value) in ToDict(a).Items) ns.Attributes[PyFormat.Str(key)] = value;
        return ns;
    }

    /// <summary>dict(mapping_or_pairs, **kwargs).</summary>
    private static DictValue ToDict(Arguments a)
    {
        var d = new DictValue();
        if (a.Positional.Count > 1) throw TemplateException.Type($"dict expected at most 1 argument, got {a.Positional.Count}");
        if (a.Positional.Count == 1)
        {
            if (a.Positional[0] is DictValue source)
                foreach (var (k, v) in source.Items) d[k] = v;
            else
                foreach (var pair in PyOps.Iterate(a.Positional[0]))
                {
                    var kv = PyOps.Iterate(pair);
                    if (kv.Count != 2) throw TemplateException.Type("dictionary update sequence element has wrong length");
                    d[kv[0]] = kv[1];
                }
        }
        foreach (var (k, v) in a.Named) d[k] = v;
        return d;
    }
}
