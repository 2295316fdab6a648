using System.Diagnostics;
using System.Text;

namespace Tests.Shared;

/// <summary>
/// Runs a service of this repository as a command, <c>dotnet &lt;Project&gt;.dll args</c> from its build output, to its
/// end: for CLI verbs and for command lines a service refuses. Stdout and stderr are kept apart and exact.
/// </summary>
public static class ServiceCommand
{
    public static async Task<CommandResult> RunAsync(string project, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var dll = BuildOutput.ServiceDll(project);
        var start = new ProcessStartInfo(DotNetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll),
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var variable in TestProcess.AmbientVariables) start.Environment.Remove(variable);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{project} {string.Join(' ', start.ArgumentList.Skip(1))} was still running after " +
                $"{(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:0} s.\nstdout: {await stdout}\nstderr: {await stderr}");
        }
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>How a command ended and what it wrote.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
