using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Services.Tests.Infrastructure;

namespace Services.Tests;

/// <summary>
/// The AppHost as a real process: it starts the inference resource (the InferenceService serve mode, hence
/// the Inference area), prints its URL in the resource table, and on SIGINT stops every child process.
/// </summary>
[Trait("Area", "Inference")]
public sealed class AppHostTests
{
    private static readonly Regex InferenceRow = new(@"^inference\s.*?(http://127\.0\.0\.1:\d+)", RegexOptions.Multiline);

    [Fact]
    public async Task AppHost_serves_inference_and_stops_every_child_on_SIGINT()
    {
        var dll = BuildOutput.ServiceDll("AppHost");
        await using var appHost = TestProcess.Start("AppHost", DotNetHost.Path, [dll, "--random-ports"],
            workingDirectory: Path.GetDirectoryName(dll));

        var row = await appHost.WaitForOutputAsync(InferenceRow, TimeSpan.FromSeconds(180));
        var inferenceUrl = new Uri(row.Groups[1].Value);
        Assert.NotEqual(8001, inferenceUrl.Port); // --random-ports replaced the declared port.
        await AssertHealthyAsync(inferenceUrl, appHost);

        var children = ProcessTree.Descendants(appHost.Id);
        Assert.True(children.Count > 0, $"AppHost has no child process.\n{appHost.Describe()}");

        using (var kill = Process.Start("kill", ["-INT", appHost.Id.ToString()])) await kill.WaitForExitAsync();

        Assert.True(await appHost.WaitForExitAsync(TimeSpan.FromSeconds(30)),
            $"AppHost did not exit within 30 s of SIGINT.\n{appHost.Describe()}");
        Assert.True(appHost.ExitCode == 0, $"AppHost exited with {appHost.ExitCode}.\n{appHost.Describe()}");
        var survivors = children.Where(ProcessTree.IsAlive).Select(pid => $"{pid}: {ProcessTree.CommandLine(pid)}").ToList();
        Assert.True(survivors.Count == 0,
            $"Child processes still running after the AppHost stopped: {string.Join("; ", survivors)}\n{appHost.Describe()}");
    }

    private static async Task AssertHealthyAsync(Uri baseAddress, TestProcess appHost)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync("health");
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = ((int)response.StatusCode).ToString();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"inference at {baseAddress} did not answer /health 200 (last: {last}).\n{appHost.Describe()}");
    }
}
