using System.Reflection;
using CommandLineFlags;
using Microsoft.AspNetCore.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The command line of a service built with <c>WebApplication.CreateBuilder(args)</c>, checked before the builder reads
/// it: .NET's command-line configuration takes any <c>--Key value</c> and drops what it cannot read, so a misspelt flag
/// would be ignored without a word. Known: the service's own keys plus what every service reads (<see cref="Common"/>).
/// </summary>
public static class ServiceCommandLine
{
    /// <summary>
    /// What every service reads: the host's settings (the keys of <see cref="WebHostDefaults"/> and <see cref="HostDefaults"/>:
    /// urls, environment, contentRoot, applicationName, http_ports, ...), AllowedHosts, the Logging and Kestrel sections,
    /// the redis connection string and service discovery's addresses (<c>services:NAME:SCHEME:N</c>).
    /// </summary>
    public static IReadOnlyList<KnownFlag> Common { get; } =
    [
        .. new[] { typeof(WebHostDefaults), typeof(HostDefaults) }
            .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(field => field.FieldType == typeof(string))
            .Select(field => (string)field.GetValue(null)!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(KnownFlag.Value),
        KnownFlag.Value("AllowedHosts"),
        KnownFlag.Section("Logging"),
        KnownFlag.Section("Kestrel"),
        KnownFlag.Value("ConnectionStrings:redis"),
        KnownFlag.Section("services"),
    ];

    /// <summary>True if every argument is a known flag with its value; otherwise prints "error: ..." (naming the closest
    /// known flag) to stderr and returns false: the service then exits with <see cref="CommandLineException.ExitCode"/>.</summary>
    public static bool Check(string[] args, IEnumerable<KnownFlag> own)
    {
        try
        {
            ConfigurationArguments.Check(args, new FlagSet([.. own, .. Common]));
            return true;
        }
        catch (CommandLineException error)
        {
            Console.Error.WriteLine($"error: {error.Message}");
            return false;
        }
    }
}
