using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Tests.Shared;

/// <summary>
/// A child process started by a test: stdout and stderr are captured (for failure messages and for
/// waiting on a line), and disposing kills the whole process tree.
/// </summary>
public sealed class TestProcess : IAsyncDisposable
{
    /// <summary>
    /// Variables of the machine running the tests that would change what the child does: where it listens,
    /// which hub, token and cache it uses (a developer's own HF_TOKEN must never reach a test), proxies.
    /// A test that wants one passes it explicitly.
    /// </summary>
    internal static readonly string[] AmbientVariables =
    [
        "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTP_PORTS", "DOTNET_HTTPS_PORTS",
        "HF_ENDPOINT", "HF_TOKEN", "HF_TOKEN_PATH", "HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HUB_OFFLINE", "XDG_CACHE_HOME",
        "ConnectionStrings__redis", "OTEL_EXPORTER_OTLP_ENDPOINT",
        "http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
    ];

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();
    private bool _disposed;

    public string Name { get; }
    public int Id { get; }

    private TestProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        Id = _process.Id;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static TestProcess Start(string name, string fileName, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args) startInfo.ArgumentList.Add(arg);
        foreach (var variable in AmbientVariables) startInfo.Environment.Remove(variable);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) startInfo.Environment[key] = value;
        return new TestProcess(name, new Process { StartInfo = startInfo, EnableRaisingEvents = true });
    }

    /// <summary>The process's anonymous resident memory (RssAnon of /proc/PID/status: VmRSS without the mapped files, whose
    /// pages come and go with the page cache), in bytes: where a server's weights and KV cache live.</summary>
    public long AnonymousResidentBytes()
    {
        var line = File.ReadLines($"/proc/{Id}/status").First(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>The process's standard input (a program that reads what a user types).</summary>
    public StreamWriter Input => _process.StandardInput;

    public bool HasExited => _disposed || _process.HasExited;

    public int? ExitCode => !_disposed && _process.HasExited ? _process.ExitCode : null;

    /// <summary>Everything written to stdout and stderr so far.</summary>
    public string Output
    {
        get { lock (_outputLock) return _output.ToString(); }
    }

    /// <summary>The captured output, indented, for an assertion message.</summary>
    public string Describe() =>
        $"--- {Name} (pid {Id}{(HasExited ? $", exited with {ExitCode}" : "")}) output ---\n{Output}--- end of {Name} output ---";

    /// <summary>Waits until the output matches <paramref name="pattern"/>; throws with the output if it does not in time.</summary>
    public async Task<Match> WaitForOutputAsync(Regex pattern, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var match = pattern.Match(Output);
            if (match.Success) return match;
            if (HasExited)
                throw new InvalidOperationException($"{Name} exited before printing /{pattern}/.\n{Describe()}");
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"{Name} did not print /{pattern}/ within {timeout.TotalSeconds:0} s.\n{Describe()}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Waits for the process to exit; false if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends SIGTERM, what Kubernetes and <c>docker stop</c> send first: the process is asked to shut down gracefully.</summary>
    public void Terminate()
    {
        const int sigterm = 15;
        if (Kill(Id, sigterm) != 0)
            throw new InvalidOperationException($"SIGTERM to {Name} (pid {Id}) failed: errno {Marshal.GetLastPInvokeError()}.\n{Describe()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        // Idempotent: a test may kill a process (an outage) that its fixture disposes again later.
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_outputLock) _output.Append(line).Append('\n');
    }
}
