using System.Net;
using System.Text.RegularExpressions;

namespace Tests.Shared;

/// <summary>
/// A service of this repository running as a real process (<c>dotnet &lt;Project&gt;.dll</c> from its build
/// output) on a port of 127.0.0.1, started and awaited until /health answers 200.
/// Disposing kills its process tree.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    public TestProcess Process { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }

    /// <summary>"http://127.0.0.1:PORT" (no trailing slash), the form the AppHost injects (services__NAME__http__0).</summary>
    public string Url => BaseAddress.ToString().TrimEnd('/');

    private readonly string? _healthKey;

    private ServiceProcess(TestProcess process, Uri baseAddress, TimeSpan httpTimeout, string? healthKey)
    {
        Process = process;
        BaseAddress = baseAddress;
        _healthKey = healthKey;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = httpTimeout };
    }

    /// <summary>Starts <paramref name="project"/> (the folder and the DLL name, e.g. "Gateway") on a free port and waits until it is healthy.</summary>
    public static async Task<ServiceProcess> StartAsync(string project, ServiceOptions? options = null)
    {
        options ??= new ServiceOptions();
        for (int attempt = 1; ; attempt++)
        {
            var service = Start(project, FreePort.Next(), options);
            try
            {
                await service.WaitHealthyAsync(options.HealthTimeout, options.Ready);
                return service;
            }
            catch (InvalidOperationException) when (attempt < 3 && service.LostItsPort)
            {
                await service.DisposeAsync();   // another program bound the free port first: try another
            }
            catch
            {
                await service.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>The process exited because its port was taken between choosing it and binding it (other test runs
    /// start servers too).</summary>
    private bool LostItsPort => Process.HasExited && Process.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Starts <paramref name="project"/> on <paramref name="port"/>, chosen beforehand so that several services can be
    /// given each other's addresses and start at once, without waiting: <see cref="WaitHealthyAsync"/> does.
    /// </summary>
    public static ServiceProcess Start(string project, int port, ServiceOptions? options = null)
    {
        options ??= new ServiceOptions();
        var dll = BuildOutput.ServiceDll(project, options.ProjectDirectory);
        var environment = new Dictionary<string, string>(options.Environment);
        if (options.BindWithAspNetCoreUrls) environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";

        var process = TestProcess.Start(options.Name ?? project, DotNetHost.Path, [dll, .. options.Args(port)], environment,
            workingDirectory: Path.GetDirectoryName(dll));
        return new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}/"), options.HttpTimeout, options.HealthKey);
    }

    /// <summary>Polls GET /health until it answers 200 and <paramref name="ready"/> (given the body) holds; throws with the service's output otherwise.</summary>
    public Task WaitHealthyAsync(TimeSpan timeout, Func<string, bool>? ready = null) =>
        WaitForHealthAsync((status, body) => status == HttpStatusCode.OK && (ready is null || ready(body)), timeout);

    /// <summary>
    /// Polls GET /health until its status and body satisfy <paramref name="done"/> (a service may be meant to stay
    /// unhealthy) and returns them; throws with the service's output if it exits or the answer does not come in time.
    /// </summary>
    public async Task<(HttpStatusCode Status, string Body)> WaitForHealthAsync(Func<HttpStatusCode, string, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer yet";
        var listeningElsewhere = 0;
        using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(5),
        };
        if (_healthKey is not null) probe.DefaultRequestHeaders.Authorization = new("Bearer", _healthKey);
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited)
                throw new InvalidOperationException($"{Process.Name} exited before /health answered as awaited (last: {last}).\n{Process.Describe()}");
            // Kestrel logs every address it binds; seen twice in a row without ours, it will not come.
            listeningElsewhere = ListensOnlyElsewhere() ? listeningElsewhere + 1 : 0;
            if (listeningElsewhere >= 2)
                throw new InvalidOperationException(
                    $"{Process.Name} listens, but not on port {BaseAddress.Port} it was given.\n{Process.Describe()}");
            try
            {
                using var response = await probe.GetAsync("health");
                var body = await response.Content.ReadAsStringAsync();
                if (done(response.StatusCode, body)) return (response.StatusCode, body);
                last = $"{(int)response.StatusCode} {body}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException(
            $"{Process.Name} /health did not answer as awaited within {timeout.TotalSeconds:0} s (last: {last}).\n{Process.Describe()}");
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
