using System.Text.RegularExpressions;

namespace AppHost.Tests.Infrastructure;

/// <summary>
/// The whole system as a user starts it (<c>dotnet run --project AppHost -- --random-ports</c>), with the Aspire dashboard,
/// read back from what the AppHost prints: the dashboard's login URL, the gateway's address and the first API key. Its
/// own ports for the dashboard (several test runs, or a user's system, may be up at once) and a temporary Hugging Face
/// cache. Also finds every process the run started, DCP's included (DCP runs detached from the AppHost).
/// </summary>
public sealed partial class RunningAppHost : IAsyncDisposable
{
    private readonly DirectoryInfo _hfHome;

    private RunningAppHost(TestProcess process, DirectoryInfo hfHome)
    {
        Process = process;
        _hfHome = hfHome;
    }

    /// <summary><c>dotnet run</c>: its child is the AppHost.</summary>
    public TestProcess Process { get; }

    public Uri DashboardLogin { get; private set; } = null!;

    public Uri Gateway { get; private set; } = null!;

    public string ApiKey { get; private set; } = "";

    public static async Task<RunningAppHost> StartAsync()
    {
        var hfHome = Directory.CreateTempSubdirectory("apphost-run-hf-");
        var process = AppHostProcess.Start(
            [
                "--random-ports",
                $"--ASPNETCORE_URLS=http://127.0.0.1:{FreePort.Next()}",
                $"--ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://127.0.0.1:{FreePort.Next()}",
                $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{FreePort.Next()}",
                // Two cores shared by every process of the system: one engine thread per replica.
                "--Engine:Threads=1",
            ],
            new Dictionary<string, string> { ["HF_HOME"] = hfHome.FullName });
        var app = new RunningAppHost(process, hfHome);
        try
        {
            app.DashboardLogin = new Uri((await process.WaitForOutputAsync(LoginLine(), TimeSpan.FromMinutes(2))).Groups["url"].Value);
            var key = await process.WaitForOutputAsync(KeyLine(), TimeSpan.FromMinutes(5));
            app.ApiKey = key.Groups["key"].Value;
            app.Gateway = new Uri((await process.WaitForOutputAsync(TryItLine(), TimeSpan.FromSeconds(10))).Groups["gateway"].Value);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The AppHost process (the child of <c>dotnet run</c>).</summary>
    public int AppHostPid => ProcessTree.Descendants(Process.Id).First(pid => ProcessTree.CommandLine(pid).Contains("AppHost", StringComparison.Ordinal));

    /// <summary>Every living process of this run: <c>dotnet run</c>, the AppHost, DCP (found by the AppHost pid it monitors,
    /// then by its kubeconfig) and everything DCP started (services, redis-server, the Aspire dashboard).</summary>
    public IReadOnlyList<int> Processes()
    {
        var appHost = AppHostPid;
        var apiServer = ProcessTree.WithCommandLineContaining($"--monitor {appHost} ").FirstOrDefault();
        var kubeconfig = apiServer == 0 ? null : KubeconfigArgument().Match(ProcessTree.CommandLine(apiServer)).Groups[1].Value;
        var dcp = kubeconfig is null ? [] : ProcessTree.WithCommandLineContaining(kubeconfig);
        return new[] { Process.Id }.Concat(ProcessTree.Descendants(Process.Id))
            .Concat(dcp).Concat(dcp.SelectMany(ProcessTree.Descendants))
            .Distinct().ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        try
        {
            _hfHome.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [GeneratedRegex(@"Login URL:\s+(?<url>http://\S+/login\?t=\S+)")]
    private static partial Regex LoginLine();

    [GeneratedRegex(@"^AppHost: API key \(dev only\): (?<key>\S+)$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"curl -s (?<gateway>http://\S+)/v1/completions")]
    private static partial Regex TryItLine();

    [GeneratedRegex("--kubeconfig \"?([^\" ]+)")]
    private static partial Regex KubeconfigArgument();
}
