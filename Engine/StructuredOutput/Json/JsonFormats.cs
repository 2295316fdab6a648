using Engine.StructuredOutput.Automata;
using Engine.StructuredOutput.Regex;

namespace Engine.StructuredOutput.Json;

/// <summary>
/// The string formats the compiler can enforce, each as a regex of what it generates. Every match is valid for
/// strict validators: dates avoid the 29th–31st where a month (or year) lacks them and years before 1000;
/// times use 'T', 'Z' and seconds below 60; e-mail addresses keep to the plain dot-atom form.
/// </summary>
internal static class JsonFormats
{
    private const string Date = "[1-9][0-9]{3}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))";
    private const string Time = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])";
    private const string Octet = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";

    private static readonly Dictionary<string, string> Patterns = new()
    {
        ["date"] = Date,
        ["time"] = Time,
        ["date-time"] = Date + "T" + Time,
        ["uuid"] = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        ["email"] = "[A-Za-z0-9_%+-]{1,32}(\\.[A-Za-z0-9_%+-]{1,32}){0,2}@([A-Za-z0-9]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?\\.){1,3}[A-Za-z]{2,6}",
        ["ipv4"] = Octet + "(\\." + Octet + "){3}",
    };

    public static IEnumerable<string> Names => Patterns.Keys;

    /// <summary>The string content (between the quotes) of a format, or null when it is not supported.</summary>
    public static Expr? Content(string format) =>
        Patterns.TryGetValue(format, out var pattern) ? RegexParser.Parse(pattern, JsonStrings.Encode, search: false) : null;
}
