using System.Net;

namespace AdminDashboard.Tests.Infrastructure;

/// <summary>
/// A service of this repository running as a real process (<c>dotnet &lt;Project&gt;.dll</c> from its build output)
/// on a port chosen before it starts (so every service's address can be given to the others at once).
/// Disposing kills its process tree.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
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

    /// <summary>"http://127.0.0.1:PORT" (no trailing slash), the form the AppHost injects.</summary>
    public string Url => BaseAddress.ToString().TrimEnd('/');

    /// <summary>Starts <paramref name="project"/> on <paramref name="port"/>; with <paramref name="portInArgs"/> the arguments carry the port, else ASPNETCORE_URLS does.</summary>
    public static ServiceProcess Start(string project, int port, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, bool portInArgs = false)
    {
        var dll = BuildOutput.ServiceDll(project);
        var env = new Dictionary<string, string>(environment);
        if (!portInArgs) env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var process = TestProcess.Start(project, DotNetHost.Path, [dll, .. args], env, workingDirectory: Path.GetDirectoryName(dll));
        return new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Polls GET /health until it answers 200 and <paramref name="ready"/> (given the body) holds; throws with the output otherwise.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, Func<string, bool>? ready = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer yet";
        using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited)
                throw new InvalidOperationException($"{Process.Name} exited before it was healthy.\n{Process.Describe()}");
            try
            {
                using var response = await probe.GetAsync("health");
                var body = await response.Content.ReadAsStringAsync();
                last = $"{(int)response.StatusCode} {body}";
                if (response.StatusCode == HttpStatusCode.OK && (ready is null || ready(body))) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(150);
        }
        throw new TimeoutException($"{Process.Name} was not healthy within {timeout.TotalSeconds:0} s (last /health: {last}).\n{Process.Describe()}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Process.DisposeAsync();
    }
}
