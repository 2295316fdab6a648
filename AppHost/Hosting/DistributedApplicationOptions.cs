using System.Reflection;

namespace AppHost.Hosting;

/// <summary>
/// How the AppHost runs: <c>--random-ports</c> (or APPHOST_RANDOM_PORTS=true) gives every endpoint a free
/// port instead of its declared one; projects run from the build output of the AppHost's own configuration.
/// </summary>
public sealed record DistributedApplicationOptions
{
    public bool RandomPorts { get; init; }

    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Release or Debug: the configuration the AppHost was built with, used for the projects too.</summary>
    public string Configuration { get; init; } =
        typeof(DistributedApplicationOptions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>The AppHost project folder, which project paths are relative to.</summary>
    public string AppHostDirectory { get; init; } = AppHostLocation.ProjectDirectory();

    public static DistributedApplicationOptions Parse(string[] args)
    {
        var randomPorts = args.Contains("--random-ports")
            || Environment.GetEnvironmentVariable("APPHOST_RANDOM_PORTS") is "1" or "true" or "True";
        return new DistributedApplicationOptions { RandomPorts = randomPorts };
    }
}
