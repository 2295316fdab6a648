namespace CommandLineFlags;

/// <summary>A flag a program takes, named without its leading dashes (<c>max-model-len</c>, <c>Gateway:AdminKey</c>).</summary>
public sealed record KnownFlag(string Name, FlagKind Kind)
{
    public static KnownFlag Value(string name) => new(name, FlagKind.Value);

    public static KnownFlag Switch(string name) => new(name, FlagKind.Switch);

    public static KnownFlag Repeated(string name) => new(name, FlagKind.Repeated);

    public static KnownFlag Section(string name) => new(name, FlagKind.Section);

    /// <summary>How the flag is shown in messages: <c>--max-model-len</c>, <c>--[no-]ignore-eos</c>, <c>--Logging:&lt;key&gt;</c>.</summary>
    public string Display => Kind switch
    {
        FlagKind.Switch => $"--[no-]{Name}",
        FlagKind.Section => $"--{Name}:<key>",
        FlagKind.Repeated => $"--{Name} (repeatable)",
        _ => $"--{Name}",
    };

    /// <summary>Whether <paramref name="name"/> (as typed, without dashes and value) is this flag or, for a section, a key below it.</summary>
    public bool Matches(string name) => Kind == FlagKind.Section
        ? name.Length > Name.Length + 1 && name.StartsWith(Name + ":", StringComparison.OrdinalIgnoreCase)
        : string.Equals(name, Name, StringComparison.OrdinalIgnoreCase);
}
