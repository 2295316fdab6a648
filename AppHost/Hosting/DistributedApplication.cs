using AppHost.Hosting.Publishing;
using Microsoft.Extensions.Configuration;

namespace AppHost.Hosting;

/// <summary>
/// The application model, built: runs it locally (<see cref="Orchestrator"/>) until Ctrl+C / SIGTERM, or with
/// <c>--publisher manifest|compose</c> writes the Aspire manifest or the docker compose deployment instead.
/// </summary>
public sealed class DistributedApplication(IReadOnlyList<Resource> resources, DistributedApplicationOptions options, IConfiguration configuration)
{
    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(DistributedApplicationOptions.Parse(args));

    public IReadOnlyList<Resource> Resources => resources;

    public void Run() => Environment.ExitCode = RunAsync().GetAwaiter().GetResult();

    public async Task<int> RunAsync()
    {
        switch (options.Publisher)
        {
            case "manifest":
                var manifest = Path.GetFullPath(options.OutputPath ?? "aspire-manifest.json");
                ManifestPublisher.Write(resources, manifest);
                Console.WriteLine($"AppHost: published the Aspire manifest to {manifest}");
                return 0;
            case "compose":
                var folder = Path.GetFullPath(options.OutputPath ?? "deploy");
                var written = ComposePublisher.Write(resources, folder, RepositoryLocation.Root(options.AppHostDirectory));
                Console.WriteLine($"AppHost: published the compose deployment to {folder}: {string.Join(", ", written)}");
                return 0;
        }
        using var shutdown = new ShutdownSignal();
        return await new Orchestrator(resources, options, configuration).RunAsync(shutdown.Token);
    }
}
