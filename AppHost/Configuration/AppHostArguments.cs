namespace AppHost.Configuration;

/// <summary>
/// The AppHost's command line, turned into what Aspire's builder reads: vLLM-style engine flags (<c>--model DIR</c>,
/// <c>--max-model-len 512</c>, <c>--no-enable-prefix-caching</c>) become <c>--Engine:&lt;PascalName&gt;=value</c>, which
/// reaches every inference replica; <c>--random-ports</c> becomes DCP's port randomization; <c>--Section:Key value</c>
/// settings and Aspire's own options (<c>--publisher</c>, <c>--output-path</c>, ...) pass through.
/// </summary>
public static class AppHostArguments
{
    /// <summary>Aspire's own command-line options (its switch mappings), passed through as they are.</summary>
    private static readonly HashSet<string> AspireOptions = new(StringComparer.Ordinal)
    {
        "operation", "publisher", "step", "output-path", "log-level", "include-exception-details", "clear-cache", "yes",
        "dcp-cli-path", "dcp-container-runtime", "dcp-dependency-check-timeout", "dcp-dashboard-path",
    };

    public static string[] ToAspire(IReadOnlyList<string> args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"Unexpected argument '{arg}' (flags look like --name value or --Section:Key value).");
            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];

            if (name == "random-ports") result.Add($"--DcpPublisher:RandomizePorts={value ?? "true"}");
            else if (AspireOptions.Contains(name) || name.Contains(':')) result.Add($"--{name}={value ?? "true"}");
            else if (value is null && name.StartsWith("no-", StringComparison.Ordinal)) result.Add($"--Engine:{PascalCase(name[3..])}=false");
            else result.Add($"--Engine:{PascalCase(name)}={value ?? "true"}");
        }
        return [.. result];
    }

    /// <summary>max-model-len → MaxModelLen.</summary>
    private static string PascalCase(string flag) =>
        string.Concat(flag.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
