namespace CommandLineFlags;

/// <summary>
/// The syntax of .NET's command-line configuration provider (what <c>WebApplication.CreateBuilder(args)</c> reads):
/// <c>--Key value</c>, <c>--Key=value</c>, <c>/Key value</c>, <c>/Key=value</c> and <c>Key=value</c>, where a key is a
/// configuration path such as <c>Gateway:AdminKey</c>. That provider takes any key and silently drops what it cannot read
/// (a lone word, a single-dash flag, a last flag without a value); this check refuses all of those.
/// </summary>
public static class ConfigurationArguments
{
    /// <summary>Throws <see cref="CommandLineException"/> at the first argument the provider would ignore or that no known flag matches.</summary>
    public static void Check(IReadOnlyList<string> args, FlagSet known)
    {
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            int keyStart = arg.StartsWith("--", StringComparison.Ordinal) ? 2 : arg.StartsWith('/') ? 1 : 0;
            int eq = arg.IndexOf('=');
            var typed = eq >= 0 ? arg[..eq] : arg;
            if (typed.Length == keyStart || (keyStart == 0 && (eq < 0 || arg.StartsWith('-'))))
                throw new CommandLineException($"unexpected argument '{arg}' (flags look like --Key value or --Section:Key value)");
            // As the provider reads it: without '=', the next argument is the value, whatever it looks like.
            if (eq < 0 && ++i == args.Count) throw new CommandLineException($"{typed} needs a value ({typed} VALUE or {typed}=VALUE)");
            if (known.Find(typed[keyStart..]) is null) throw known.Unknown(typed);
        }
    }
}
