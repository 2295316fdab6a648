namespace CommandLineFlags;

/// <summary>The flags a program (or one verb of it) takes; names are matched ignoring case.</summary>
public sealed class FlagSet(IEnumerable<KnownFlag> flags)
{
    private readonly KnownFlag[] _flags = [.. flags];

    public IReadOnlyList<KnownFlag> Flags => _flags;

    public FlagSet With(IEnumerable<KnownFlag> more) => new([.. _flags, .. more]);

    /// <summary>The flag that <paramref name="name"/> (as typed, without dashes and value) is, or null.</summary>
    public KnownFlag? Find(string name) => _flags.FirstOrDefault(f => f.Matches(name));

    /// <summary>The error for <paramref name="typed"/> (the flag as written, without its value), which is not in the set:
    /// it names the closest known flag, or lists them all when none is close.</summary>
    public CommandLineException Unknown(string typed)
    {
        var suggestion = Suggest(typed.TrimStart('-', '/'));
        return new CommandLineException(suggestion is null
            ? $"unknown flag {typed} (known flags: {string.Join(", ", _flags.Select(f => f.Display))})"
            : $"unknown flag {typed} (did you mean --{suggestion}?)");
    }

    /// <summary>The known spelling nearest to <paramref name="name"/> (without dashes), or null when none is close.</summary>
    public string? Suggest(string name) => _flags
        .SelectMany(f => Candidates(f, name))
        .Where(c => Spelling.IsClose(c.Typed, c.Known))
        .OrderBy(c => Spelling.Distance(c.Typed, c.Known))
        .Select(c => c.Suggestion)
        .FirstOrDefault();

    /// <summary>What <paramref name="name"/> is compared with for one flag. A section is compared on as many leading
    /// segments as its own name has, and suggested with the rest of the typed key kept (Loging:LogLevel → Logging:LogLevel).</summary>
    private static IEnumerable<(string Typed, string Known, string Suggestion)> Candidates(KnownFlag flag, string name)
    {
        switch (flag.Kind)
        {
            case FlagKind.Switch:
                yield return (name, flag.Name, flag.Name);
                yield return (name, "no-" + flag.Name, "no-" + flag.Name);
                break;
            case FlagKind.Section:
                int segments = flag.Name.Split(':').Length;
                var parts = name.Split(':', segments + 1);
                yield return parts.Length > segments
                    ? (string.Join(':', parts[..segments]), flag.Name, $"{flag.Name}:{parts[^1]}")
                    : (name, flag.Name, flag.Name + ":<key>");
                break;
            default:
                yield return (name, flag.Name, flag.Name);
                break;
        }
    }
}
