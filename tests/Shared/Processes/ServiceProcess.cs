using System.Net;
using System.Text.RegularExpressions;

namespace Tests.Shared;

/// <summary>
/// A service of this repository running as a real process (<c>dotnet &lt;Project&gt;.dll</c> from its build
/// output) on a free port of 127.0.0.1, started and awaited until /health answers 200.
/// Disposing kills its process tree.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    public TestProcess Process { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }

    private ServiceProcess(TestProcess process, Uri baseAddress)
    {
        Process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Starts <paramref name="project"/> (the folder and the DLL name, e.g. "Gateway") and waits for /health.</summary>
    public static async Task<ServiceProcess> StartAsync(string project, ServiceOptions? options = null)
    {
        options ??= new ServiceOptions();
        var dll = BuildOutput.ServiceDll(project);
        var port = FreePort.Next();
        var environment = new Dictionary<string, string>(options.Environment);
        if (options.BindWithAspNetCoreUrls) environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";

        var process = TestProcess.Start(project, DotNetHost.Path, [dll, .. options.Args(port)], environment,
            workingDirectory: Path.GetDirectoryName(dll));
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await service.WaitHealthyAsync(options.HealthTimeout);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls GET /health until it answers 200; throws with the service's output otherwise.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer yet";
        var listeningElsewhere = 0;
        using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(5),
        };
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited)
                throw new InvalidOperationException($"{Process.Name} exited before /health answered 200.\n{Process.Describe()}");
            // Kestrel logs every address it binds; seen twice in a row without ours, it will not come.
            listeningElsewhere = ListensOnlyElsewhere() ? listeningElsewhere + 1 : 0;
            if (listeningElsewhere >= 2)
                throw new InvalidOperationException(
                    $"{Process.Name} listens, but not on port {BaseAddress.Port} it was given.\n{Process.Describe()}");
            try
            {
                using var response = await probe.GetAsync("health");
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException(
            $"{Process.Name} /health did not answer 200 within {timeout.TotalSeconds:0} s (last: {last}).\n{Process.Describe()}");
    }

    private bool ListensOnlyElsewhere()
    {
        var addresses = ListeningOn().Matches(Process.Output).Select(m => m.Groups[1].Value).ToList();
        return addresses.Count > 0 && !addresses.Any(a => a.EndsWith($":{BaseAddress.Port}", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"Now listening on: (\S+?)/?$", RegexOptions.Multiline)]
    private static partial Regex ListeningOn();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Process.DisposeAsync();
    }
}
