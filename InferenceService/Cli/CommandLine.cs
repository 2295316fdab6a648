using System.Globalization;
using CommandLineFlags;
using Engine.Configuration;

namespace InferenceService.Cli;

/// <summary>
/// The flags of one verb, vLLM-style (<see cref="FlagArguments"/>), read strictly against the flags the verb takes.
/// Every flag also maps to configuration key Engine:PascalName (see <see cref="ToConfiguration"/>).
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Throws <see cref="CommandLineException"/> for a flag the verb does not take, or one given wrongly.</summary>
    public CommandLine(IReadOnlyList<string> flags, FlagSet known)
    {
        var repeats = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in FlagArguments.Parse(flags, known))
        {
            // A repeatable flag's values become a configuration list: lora-modules:0, lora-modules:1, …
            if (known.Find(name)?.Kind == FlagKind.Repeated) _values[$"{name}:{repeats[name] = repeats.GetValueOrDefault(name, -1) + 1}"] = value;
            else _values[name] = value;
        }
    }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int? GetInt(string name) => Get(name) is { } v
        ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i : throw new ArgumentException($"--{name} must be an integer, got '{v}'.")
        : null;

    public float? GetFloat(string name) => Get(name) is { } v
        ? float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) ? f : throw new ArgumentException($"--{name} must be a number, got '{v}'.")
        : null;

    /// <summary>A switch: true, false (--no-name), or null when not given.</summary>
    public bool? GetSwitch(string name) => Get(name) is { } v ? v == "true" : null;

    /// <summary>The flags as configuration: --max-model-len 512 becomes Engine:MaxModelLen = 512.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToConfiguration() =>
        _values.Select(kv => new KeyValuePair<string, string?>(EngineFlags.ConfigurationKey(kv.Key), kv.Value));
}
