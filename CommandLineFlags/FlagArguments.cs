namespace CommandLineFlags;

/// <summary>
/// vLLM's flag syntax (argparse): <c>--flag value</c>, <c>--flag=value</c>, a switch alone (<c>--ignore-eos</c>), negated
/// (<c>--no-ignore-eos</c>) or given true/false, read strictly against the known flags: an unknown flag, a flag without
/// its value, a stray word or a switch given something other than true/false is a <see cref="CommandLineException"/>.
/// </summary>
public static class FlagArguments
{
    /// <summary>Each flag in order, under its known name (a section key as typed), with its value; switches give "true" or "false".</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(IReadOnlyList<string> args, FlagSet known)
    {
        var flags = new List<KeyValuePair<string, string>>();
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new CommandLineException($"unexpected argument '{arg}' (flags look like --name value)");
            int eq = arg.IndexOf('=');
            var typed = eq >= 0 ? arg[..eq] : arg;
            string? inline = eq >= 0 ? arg[(eq + 1)..] : null;
            var name = typed[2..];
            bool negated = false;
            var flag = known.Find(name);
            if (flag is null && name.StartsWith("no-", StringComparison.OrdinalIgnoreCase) && known.Find(name[3..]) is { Kind: FlagKind.Switch } negatable)
                (flag, negated) = (negatable, true);
            if (flag is null) throw known.Unknown(typed);

            string value;
            if (flag.Kind == FlagKind.Switch)
            {
                // A switch takes the next word only if it is true or false, so `--ignore-eos prompt.txt` is not swallowed.
                var given = inline ?? (i + 1 < args.Count && bool.TryParse(args[i + 1], out _) ? args[++i] : null);
                if (given is not null && negated) throw new CommandLineException($"{typed} takes no value");
                if (given is not null && !bool.TryParse(given, out _))
                    throw new CommandLineException($"{typed} is a switch: give it alone, or with true or false, not '{given}'");
                value = negated ? "false" : given is null || bool.Parse(given) ? "true" : "false";
            }
            else
            {
                value = inline ?? (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                    ? args[++i]
                    : throw new CommandLineException($"{typed} needs a value ({typed} VALUE or {typed}=VALUE)"));
            }
            flags.Add(new(flag.Kind == FlagKind.Section ? name : flag.Name, value));
        }
        return flags;
    }

    /// <summary>A flag's name as a configuration key: max-model-len → MaxModelLen.</summary>
    public static string PascalCase(string flag) =>
        string.Concat(flag.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
