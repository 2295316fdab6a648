using System.Diagnostics;
using System.Net;

namespace AppHost.Tests.Infrastructure;

/// <summary>
/// In the role of Aspire.Hosting.Testing's DistributedApplication: the real AppHost (<c>dotnet AppHost.dll
/// --random-ports --state-file F</c>) started for a test, with its resources' endpoints, connection strings,
/// health and process ids read from the state file, and HttpClients for the resources.
/// </summary>
public sealed class TestingAppHost : IAsyncDisposable
{
    private readonly string _stateFile;

    public TestProcess Process { get; }

    private TestingAppHost(TestProcess process, string stateFile)
    {
        Process = process;
        _stateFile = stateFile;
    }

    /// <summary>Starts the AppHost with <paramref name="environment"/> added to its environment (and so its configuration).</summary>
    public static TestingAppHost Start(IReadOnlyDictionary<string, string> environment, IEnumerable<string>? args = null)
    {
        var dll = BuildOutput.ServiceDll("AppHost");
        var stateFile = Path.Combine(Path.GetTempPath(), $"apphost-state-{Guid.NewGuid():N}.json");
        var process = TestProcess.Start("AppHost", DotNetHost.Path, [dll, "--random-ports", "--state-file", stateFile, .. args ?? []],
            environment, workingDirectory: Path.GetDirectoryName(dll));
        return new TestingAppHost(process, stateFile);
    }

    public AppHostState State => AppHostState.TryRead(_stateFile)
        ?? throw new InvalidOperationException($"The AppHost has not written its state file yet.\n{Process.Describe()}");

    /// <summary>Waits until the state satisfies <paramref name="condition"/>; throws with the output and state otherwise.</summary>
    public async Task<AppHostState> WaitForStateAsync(Func<AppHostState, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        AppHostState? state = null;
        while (DateTime.UtcNow < deadline)
        {
            state = AppHostState.TryRead(_stateFile);
            if (state is not null && condition(state)) return state;
            if (Process.HasExited) break;
            await Task.Delay(200);
        }
        throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}; state: {state}\n{Process.Describe()}");
    }

    /// <summary>Every replica of every resource healthy (or running, without a health check).</summary>
    public Task<AppHostState> WaitForAllHealthyAsync(TimeSpan timeout) =>
        WaitForStateAsync(s => s.Resources.Count > 0 && s.Resources.All(r => r.IsUp), timeout, "every resource to be healthy");

    public Task<AppHostState> WaitForResourceHealthyAsync(string name, TimeSpan timeout) =>
        WaitForStateAsync(s => s[name].IsUp, timeout, $"{name} to be healthy");

    public Uri GetEndpoint(string name, string endpoint = "http") => new(State[name].Endpoints[endpoint]);

    /// <summary>"host:port" of a resource reached by connection string (redis).</summary>
    public string GetConnectionString(string name) => State[name].Endpoints["tcp"];

    public HttpClient CreateHttpClient(string name, string endpoint = "http") =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = GetEndpoint(name, endpoint), Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The environment a resource's process was started with (/proc/PID/environ).</summary>
    public Dictionary<string, string> EnvironmentOf(string name)
    {
        var pid = State[name].Pid ?? throw new InvalidOperationException($"{name} has no process.");
        return File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);
    }

    /// <summary>Sends SIGINT (Ctrl+C) and waits for the AppHost to exit; false if it did not in time.</summary>
    public async Task<bool> InterruptAsync(TimeSpan timeout)
    {
        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", Process.Id.ToString()])) await kill.WaitForExitAsync();
        return await Process.WaitForExitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited && !await InterruptAsync(TimeSpan.FromSeconds(30)))
            Debug.WriteLine("The AppHost did not stop on SIGINT; killing its process tree.");
        await Process.DisposeAsync();
        try
        {
            File.Delete(_stateFile);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
