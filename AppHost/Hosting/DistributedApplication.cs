namespace AppHost.Hosting;

/// <summary>
/// The running application model: allocates ports, starts every resource as a child process, waits for
/// their health, prints the resource table, and on Ctrl+C / SIGTERM stops every child process tree.
/// </summary>
public sealed class DistributedApplication(IReadOnlyList<Resource> resources, DistributedApplicationOptions options)
{
    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(DistributedApplicationOptions.Parse(args));

    public void Run() => Environment.ExitCode = RunAsync().GetAwaiter().GetResult();

    public async Task<int> RunAsync()
    {
        using var shutdown = new ShutdownSignal();
        var ports = new PortAllocator(options.RandomPorts);
        foreach (var endpoint in resources.SelectMany(r => r.Endpoints))
            endpoint.Port = ports.Allocate(endpoint.RequestedPort);

        var processes = resources.Select((r, i) => new ResourceProcess(r, ResourceLaunch.For(r, options), ResourceLog.For(r.Name, i))).ToList();
        try
        {
            Console.WriteLine($"AppHost: starting {processes.Count} resource(s); press Ctrl+C to stop.");
            foreach (var process in processes) process.Start();
            await Task.WhenAll(processes.Select(p => p.WaitHealthyAsync(options.HealthTimeout, shutdown.Token)));
            if (!shutdown.Token.IsCancellationRequested) ResourceTable.Print(processes);
            await shutdown.WaitAsync();
        }
        finally
        {
            Console.WriteLine("AppHost: stopping resources...");
            await Task.WhenAll(processes.Select(p => p.StopAsync()));
            Console.WriteLine("AppHost: stopped.");
        }
        return 0;
    }
}
