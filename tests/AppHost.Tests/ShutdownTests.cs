namespace AppHost.Tests;

/// <summary>Ctrl+C: SIGINT to the AppHost stops every process it started, whole trees, and it exits 0.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task After_SIGINT_no_child_process_remains()
    {
        var hfHome = Directory.CreateTempSubdirectory("apphost-shutdown-hf-").FullName;
        await using var app = TestingAppHost.Start(new Dictionary<string, string> { ["HF_HOME"] = hfHome, ["Engine__Threads"] = "1" });
        try
        {
            var state = await app.WaitForAllHealthyAsync(TimeSpan.FromMinutes(3));
            Assert.Equal(["redis", "modelcache", "inference-0", "inference-1", "gateway", "dashboard"], state.Resources.Select(r => r.Name));

            var children = ProcessTree.Descendants(app.Process.Id);
            var resourcePids = state.Resources.Select(r => r.Pid!.Value).ToList();
            Assert.All(resourcePids, pid => Assert.Contains(pid, children));

            Assert.True(await app.InterruptAsync(TimeSpan.FromSeconds(60)), $"The AppHost did not exit within 60 s of SIGINT.\n{app.Process.Describe()}");
            Assert.True(app.Process.ExitCode == 0, $"The AppHost exited with {app.Process.ExitCode}.\n{app.Process.Describe()}");
            var survivors = children.Concat(resourcePids).Distinct().Where(ProcessTree.IsAlive)
                .Select(pid => $"{pid}: {ProcessTree.CommandLine(pid)}").ToList();
            Assert.True(survivors.Count == 0, $"Still running after the AppHost stopped: {string.Join("; ", survivors)}\n{app.Process.Describe()}");
            Assert.Contains("AppHost: stopped.", app.Process.Output);
            Assert.All(app.State.Resources, r => Assert.Equal("Stopped", r.State));
        }
        finally
        {
            Directory.Delete(hfHome, recursive: true);
        }
    }
}
