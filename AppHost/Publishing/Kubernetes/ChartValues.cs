using System.Globalization;

namespace AppHost.Publishing.Kubernetes;

/// <summary>
/// The chart's values, each with its default and what it does: written as values.yaml (a comment above each) and as the
/// README's table, from this one list, so no value goes undocumented.
/// </summary>
public sealed class ChartValues
{
    /// <summary>Defaults that are an empty map or list (resources, tolerations, ...).</summary>
    public static readonly object EmptyMap = new(), EmptyList = new();

    private readonly List<(string Path, object Default, string Description)> _values = [];

    public IReadOnlyList<(string Path, object Default, string Description)> All => _values;

    /// <summary>Adds <paramref name="path"/> (dotted, e.g. <c>inference.gpu.enabled</c>) with a string, int, bool,
    /// <see cref="EmptyMap"/> or <see cref="EmptyList"/> default.</summary>
    public ChartValues Add(string path, object @default, string description)
    {
        if (@default is not (string or int or bool) && @default != EmptyMap && @default != EmptyList)
            throw new ArgumentException($"Unsupported default for {path}: {@default}", nameof(@default));
        if (_values.Any(v => v.Path == path || v.Path.StartsWith(path + ".", StringComparison.Ordinal) || path.StartsWith(v.Path + ".", StringComparison.Ordinal)))
            throw new ArgumentException($"{path} is already a value or a section.", nameof(path));
        _values.Add((path, @default, description));
        return this;
    }

    public string ToYaml(string header)
    {
        var yaml = new YamlWriter().Comment(header);
        Write(yaml, _values.Select(v => (v.Path.Split('.'), v.Default, v.Description)).ToList());
        return yaml.ToString();
    }

    /// <summary>The README's table: value, default, description.</summary>
    public string ToMarkdownTable() =>
        "| Value | Default | Description |\n| --- | --- | --- |\n" +
        string.Concat(_values.Select(v => $"| `{v.Path}` | `{Literal(v.Default)}` | {v.Description.Replace("|", "\\|", StringComparison.Ordinal)} |\n"));

    /// <summary>Entries grouped by their first key, in the order each key first appears.</summary>
    private static void Write(YamlWriter yaml, List<(string[] Keys, object Default, string Description)> entries)
    {
        foreach (var group in entries.GroupBy(e => e.Keys[0]))
        {
            if (group.First().Keys.Length == 1)
            {
                var (_, value, description) = group.Single();
                yaml.Comment(description);
                _ = value switch
                {
                    string text => yaml.Scalar(group.Key, text),
                    int number => yaml.Scalar(group.Key, number),
                    bool flag => yaml.Scalar(group.Key, flag),
                    _ when value == EmptyMap => yaml.EmptyMap(group.Key),
                    _ => yaml.EmptyList(group.Key),
                };
            }
            else
            {
                yaml.Map(group.Key, nested => Write(nested, group.Select(e => (e.Keys[1..], e.Default, e.Description)).ToList()));
            }
        }
    }

    private static string Literal(object value) => value switch
    {
        string text => YamlWriter.Quote(text),
        int number => number.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        _ when value == EmptyMap => "{}",
        _ => "[]",
    };
}
