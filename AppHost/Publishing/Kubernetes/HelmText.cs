namespace AppHost.Publishing.Kubernetes;

/// <summary>Text from the application model inside a Helm template.</summary>
public static class HelmText
{
    /// <summary>A YAML double-quoted string that Helm's template engine leaves as it is (a literal <c>{{</c> would start an
    /// action).</summary>
    public static string Quote(string value) => YamlWriter.Quote(value).Replace("{{", "{{ \"{{\" }}", StringComparison.Ordinal);

    /// <summary><paramref name="block"/> with every line but the first indented by <paramref name="spaces"/> (it is placed
    /// at a position already indented).</summary>
    public static string Indent(string block, int spaces) =>
        block.TrimEnd('\n').Replace("\n", "\n" + new string(' ', spaces), StringComparison.Ordinal);

    /// <summary>hf-cache → hfCache: the values key of a model name (Helm templates cannot read keys with hyphens as fields).</summary>
    public static string ValuesKey(string name)
    {
        var parts = name.Split('-', StringSplitOptions.RemoveEmptyEntries);
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
