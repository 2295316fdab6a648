namespace Tests.Shared;

/// <summary>Checks that a service refuses a command line as the team's CLIs do: exit code 2, one "error: ..." line on stderr, nothing on stdout.</summary>
public static class CommandLineAssert
{
    public static async Task RefusedAsync(string project, IEnumerable<string> args, string message)
    {
        var result = await ServiceCommand.RunAsync(project, args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Equal($"error: {message}\n", result.Stderr);
    }
}
