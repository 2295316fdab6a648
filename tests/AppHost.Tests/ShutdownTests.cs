using System.Diagnostics;

namespace AppHost.Tests;

/// <summary>SIGTERM to the AppHost (what Ctrl+C, systemd or a container runtime send): every process of the run ends —
/// the services, redis-server, the Aspire dashboard and DCP itself — and the AppHost exits 0.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task After_SIGTERM_no_process_of_the_run_remains()
    {
        await using var app = await RunningAppHost.StartAsync();
        var processes = app.Processes();
        var names = processes.Select(ProcessTree.CommandLine).ToList();
        // What must be there before, so that "none left" below means something.
        foreach (var expected in new[] { "dcp start-apiserver", "dcp run-controllers", "redis-server", "Aspire.Dashboard",
                     "ModelCacheService", "InferenceService", "Gateway", "AdminDashboard" })
            Assert.True(names.Any(n => n.Contains(expected, StringComparison.Ordinal)), $"no process '{expected}' among:\n{string.Join('\n', names)}");

        var appHost = app.AppHostPid;
        using (var term = Process.Start("kill", ["-TERM", appHost.ToString()])) await term.WaitForExitAsync();
        Assert.True(await app.Process.WaitForExitAsync(TimeSpan.FromSeconds(90)), $"The AppHost did not exit within 90 s of SIGTERM.\n{app.Process.Describe()}");
        Assert.True(app.Process.ExitCode == 0, $"The AppHost exited with {app.Process.ExitCode}.\n{app.Process.Describe()}");

        // DCP stops what it started on its own schedule after the AppHost is gone: give it a bounded time.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (processes.Any(ProcessTree.IsAlive) && DateTime.UtcNow < deadline) await Task.Delay(250);
        var survivors = processes.Where(ProcessTree.IsAlive).Select(pid => $"{pid}: {ProcessTree.CommandLine(pid)}").ToList();
        Assert.True(survivors.Count == 0, $"Still running after the AppHost stopped:\n{string.Join('\n', survivors)}");
    }
}
