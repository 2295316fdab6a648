using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AppHost.Publishing;

/// <summary>
/// A small block-style YAML writer: maps, lists, comments. Every string is double-quoted with JSON escapes,
/// which YAML reads the same way, so no value is ever mistaken for a number, boolean or null.
/// </summary>
public sealed class YamlWriter
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly StringBuilder _text = new();
    private int _depth;

    public static string Quote(string value) => JsonSerializer.Serialize(value, Json);

    public YamlWriter Comment(string comment)
    {
        foreach (var line in comment.Split('\n')) Line(line.Length == 0 ? "#" : "# " + line);
        return this;
    }

    public YamlWriter Scalar(string key, string value) => Line($"{key}: {Quote(value)}");

    public YamlWriter Scalar(string key, int value) => Line($"{key}: {value}");

    public YamlWriter Scalar(string key, bool value) => Line($"{key}: {(value ? "true" : "false")}");

    /// <summary>A list of strings on one line (flow style), e.g. a healthcheck test.</summary>
    public YamlWriter FlowList(string key, IEnumerable<string> values) => Line($"{key}: [{string.Join(", ", values.Select(Quote))}]");

    public YamlWriter List(string key, IEnumerable<string> values)
    {
        Line(key + ":");
        foreach (var value in values) Line("  - " + Quote(value));
        return this;
    }

    /// <summary>A nested map: <c>key:</c> and the lines written by <paramref name="body"/>, indented.</summary>
    public YamlWriter Map(string key, Action<YamlWriter> body)
    {
        Line(key + ":");
        _depth++;
        body(this);
        _depth--;
        return this;
    }

    public YamlWriter EmptyMap(string key) => Line(key + ": {}");

    public YamlWriter EmptyList(string key) => Line(key + ": []");

    private YamlWriter Line(string line)
    {
        _text.Append(' ', _depth * 2).Append(line).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();
}
