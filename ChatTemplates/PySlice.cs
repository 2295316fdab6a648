namespace ChatTemplates;

/// <summary>Python's slice.indices(): which positions seq[start:stop:step] selects.</summary>
internal static class PySlice
{
    public static IEnumerable<int> Indices(int length, long? start, long? stop, long? step)
    {
        var st = step ?? 1;
        if (st == 0) throw TemplateException.Type("slice step cannot be zero");
        long lower = st < 0 ? -1 : 0;
        long upper = st < 0 ? length - 1 : length;
        var from = Clamp(start, st < 0 ? upper : lower);
        var to = Clamp(stop, st < 0 ? lower : upper);
        for (var i = from; st > 0 ? i < to : i > to; i += st) yield return (int)i;

        long Clamp(long? value, long whenMissing)
        {
            if (value is not { } v) return whenMissing;
            if (v < 0) return Math.Max(v + length, lower);
            return Math.Min(v, upper);
        }
    }
}
