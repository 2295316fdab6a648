using System.Text.RegularExpressions;

namespace AdminDashboard.Tests;

/// <summary>
/// The dashboard's command line is strict: a misspelt flag (which .NET's configuration would take silently) ends it with
/// exit code 2 naming the closest known flag. Its real settings are taken.
/// </summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData(new[] { "--Dashboard:AdminKye", "k" }, "--Dashboard:AdminKye", "--Dashboard:AdminKey")]
    [InlineData(new[] { "--Dashboard:RefreshIntervall=00:00:05" }, "--Dashboard:RefreshIntervall", "--Dashboard:RefreshInterval")]
    [InlineData(new[] { "--service:gateway:http:0", "http://127.0.0.1:1" }, "--service:gateway:http:0", "--services:gateway:http:0")]
    public Task UnknownFlag_NamesTheClosestKnownFlag(string[] args, string typed, string closest) =>
        CommandLineAssert.RefusedAsync("AdminDashboard", args, $"unknown flag {typed} (did you mean {closest}?)");

    [Fact]
    public async Task RealFlags_AreTaken()
    {
        await using var dashboard = await ServiceProcess.StartAsync("AdminDashboard", new ServiceOptions
        {
            Args = _ =>
            [
                "--Dashboard:AdminKey", "flag-admin-key", "--Dashboard:RefreshInterval", "00:00:05", "--services:gateway:http:0",
                "http://127.0.0.1:1", "--ConnectionStrings:redis=127.0.0.1:1", "--Logging:LogLevel:Microsoft.AspNetCore", "Warning",
            ],
        });
        // The start-up line names the gateway given by flag; the warning of a missing admin key, logged before it, is absent.
        await dashboard.Process.WaitForOutputAsync(new Regex(@"Gateway http://127\.0\.0\.1:1/"), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("Dashboard__AdminKey is not set", dashboard.Process.Output);
    }
}
