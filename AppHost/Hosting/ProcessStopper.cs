using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AppHost.Hosting;

/// <summary>
/// Stops a child process: SIGTERM first (a graceful ASP.NET shutdown) on Unix, then, if it is still running
/// after the grace period (or on Windows), kills its whole process tree.
/// </summary>
public static class ProcessStopper
{
    private const int SigTerm = 15;

    public static async Task StopAsync(Process process, TimeSpan grace)
    {
        if (process.HasExited) return;
        if (!OperatingSystem.IsWindows() && SendSignal(process.Id, SigTerm) == 0 && await WaitAsync(process, grace)) return;
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
        await WaitAsync(process, TimeSpan.FromSeconds(10));
    }

    private static async Task<bool> WaitAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
