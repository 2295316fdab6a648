using System.Globalization;

namespace InferenceService.Cli;

/// <summary>
/// vLLM-style arguments after an optional verb: `--flag value`, `--flag=value`, bare `--switch` (true) and
/// `--no-switch` (false). Every flag also maps to configuration key Engine:PascalName (see <see cref="ToConfiguration"/>).
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public CommandLine(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (i == 0) { Verb = arg; continue; }
                throw new ArgumentException($"Unexpected argument '{arg}' (flags look like --name value).");
            }
            var name = arg[2..];
            int eq = name.IndexOf('=');
            if (eq >= 0) _values[name[..eq]] = name[(eq + 1)..];
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) _values[name] = args[++i];
            else if (name.StartsWith("no-", StringComparison.Ordinal)) _values[name[3..]] = "false";
            else _values[name] = "true";
        }
    }

    public string? Verb { get; }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int? GetInt(string name) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;

    public float? GetFloat(string name) => Get(name) is { } v ? float.Parse(v, CultureInfo.InvariantCulture) : null;

    /// <summary>The flags as configuration: --max-model-len 512 becomes Engine:MaxModelLen = 512.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToConfiguration() =>
        _values.Select(kv => new KeyValuePair<string, string?>("Engine:" + PascalCase(kv.Key), kv.Value));

    public static string PascalCase(string flag) =>
        string.Concat(flag.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
