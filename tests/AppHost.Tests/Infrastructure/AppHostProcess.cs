namespace AppHost.Tests.Infrastructure;

/// <summary>The AppHost started the way the README says: <c>dotnet run --project AppHost -c Release --no-build -- ARGS</c>
/// (so with its launch profile: the Aspire dashboard on http, Development environment).</summary>
public static class AppHostProcess
{
    public static TestProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        TestProcess.Start("AppHost", DotNetHost.Path,
            ["run", "--project", Path.Combine(BuildOutput.RepositoryRoot, "AppHost"), "-c", BuildOutput.Configuration, "--no-build", "--", .. args],
            environment, workingDirectory: BuildOutput.RepositoryRoot);

    /// <summary>Runs the AppHost with these arguments as the README says (a publisher and an output path) and checks it
    /// exits 0.</summary>
    public static async Task PublishAsync(IEnumerable<string> args)
    {
        await using var appHost = Start(args);
        Assert.True(await appHost.WaitForExitAsync(TimeSpan.FromSeconds(120)), appHost.Describe());
        Assert.True(appHost.ExitCode == 0, appHost.Describe());
    }
}
