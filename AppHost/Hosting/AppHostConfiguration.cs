using Microsoft.Extensions.Configuration;

namespace AppHost.Hosting;

/// <summary>
/// The AppHost's configuration, lowest precedence first: AppHost/appsettings.json, environment variables
/// (e.g. <c>Engine__MaxModelLen=512</c>, <c>Inference__Replicas=3</c>), then the command line. On the command
/// line <c>--Section:Key value</c> sets any key, and vLLM-style engine flags (<c>--model DIR</c>,
/// <c>--max-model-len 512</c>, <c>--no-enable-prefix-caching</c>) set <c>Engine:&lt;PascalName&gt;</c>, which
/// the AppHost passes to every inference replica.
/// </summary>
public static class AppHostConfiguration
{
    public static IConfiguration Build(DistributedApplicationOptions options) => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(options.AppHostDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .AddInMemoryCollection(FromArgs(options.ConfigurationArgs))
        .Build();

    /// <summary><c>--flag value</c>, <c>--flag=value</c>, bare <c>--switch</c> (true) and <c>--no-switch</c> (false).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> FromArgs(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"Unexpected argument '{arg}' (flags look like --name value or --Section:Key value).");
            var name = arg[2..];
            string value;
            var eq = name.IndexOf('=');
            if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
            else if (name.StartsWith("no-", StringComparison.Ordinal)) (name, value) = (name[3..], "false");
            else value = "true";
            yield return new(name.Contains(':') ? name : "Engine:" + PascalCase(name), value);
        }
    }

    /// <summary>max-model-len → MaxModelLen.</summary>
    public static string PascalCase(string flag) =>
        string.Concat(flag.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
