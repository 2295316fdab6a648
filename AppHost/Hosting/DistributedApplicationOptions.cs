using System.Reflection;

namespace AppHost.Hosting;

/// <summary>
/// The AppHost's own flags: <c>--random-ports</c> (or APPHOST_RANDOM_PORTS=true) gives every endpoint a free
/// port instead of its declared one; <c>--publisher manifest|compose --output-path P</c> writes deployment
/// files instead of running; <c>--state-file P</c> keeps a JSON file of the resources' state, pids and URLs
/// current (for tests and tools). Every other argument is configuration (see <see cref="AppHostConfiguration"/>).
/// </summary>
public sealed record DistributedApplicationOptions
{
    public bool RandomPorts { get; init; }

    public string? Publisher { get; init; }

    public string? OutputPath { get; init; }

    public string? StateFile { get; init; }

    /// <summary>How long the first start may take before the resource table is printed anyway.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Release or Debug: the configuration the AppHost was built with, used for the projects too.</summary>
    public string Configuration { get; init; } =
        typeof(DistributedApplicationOptions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>The AppHost project folder, which project paths are relative to.</summary>
    public string AppHostDirectory { get; init; } = AppHostLocation.ProjectDirectory();

    /// <summary>The arguments that are not the AppHost's own flags (they become configuration).</summary>
    public IReadOnlyList<string> ConfigurationArgs { get; init; } = [];

    public bool IsPublishMode => Publisher is not null;

    public static DistributedApplicationOptions Parse(string[] args)
    {
        var options = new DistributedApplicationOptions
        {
            RandomPorts = Environment.GetEnvironmentVariable("APPHOST_RANDOM_PORTS") is "1" or "true" or "True",
        };
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--random-ports": options = options with { RandomPorts = true }; break;
                case "--publisher": options = options with { Publisher = Value() }; break;
                case "--output-path": options = options with { OutputPath = Value() }; break;
                case "--state-file": options = options with { StateFile = Value() }; break;
                default: rest.Add(args[i]); break;
            }
        }
        if (options.Publisher is not null and not ("manifest" or "compose"))
            throw new ArgumentException($"--publisher '{options.Publisher}': expected manifest or compose.");
        return options with { ConfigurationArgs = rest };
    }
}
