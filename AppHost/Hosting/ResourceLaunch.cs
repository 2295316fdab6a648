namespace AppHost.Hosting;

/// <summary>
/// The command that runs one replica of a resource: executable, arguments, working folder and environment
/// (a null value removes an inherited variable).
/// </summary>
public sealed record ResourceLaunch(
    string FileName,
    IReadOnlyList<string> Args,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string?> Environment)
{
    /// <summary>Inherited variables that would make a project listen elsewhere than its endpoints.</summary>
    private static readonly string[] BindingVariables =
        ["ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTP_PORTS", "DOTNET_HTTPS_PORTS", "HTTP_PORTS", "HTTPS_PORTS"];

    public static ResourceLaunch For(Resource resource, int replica, DistributedApplicationOptions options, RunValues values) => resource switch
    {
        ProjectResource project => ForProject(project, replica, options, values),
        RedisResource redis => new ResourceLaunch(
            ExecutableResource.FindOnPath(redis.Command)
                ?? throw new FileNotFoundException($"{redis.Command} was not found on PATH; install it (Debian: apt-get install redis-server)."),
            [.. redis.LocalArgs(redis.PrimaryEndpoint.Port(replica))],
            System.Environment.CurrentDirectory,
            Evaluate(resource, replica, values)),
        ExecutableResource executable => new ResourceLaunch(
            ExecutableResource.FindOnPath(executable.Command) ?? throw new FileNotFoundException($"{executable.Command} was not found on PATH."),
            [.. executable.Args.SelectMany(a => a())],
            executable.WorkingDirectory,
            Evaluate(resource, replica, values)),
        _ => throw new NotSupportedException($"No launcher for {resource.GetType().Name}."),
    };

    /// <summary><c>dotnet &lt;Project&gt;.dll</c> from the build output, in the project folder (as <c>dotnet run</c> and Aspire do).</summary>
    private static ResourceLaunch ForProject(ProjectResource project, int replica, DistributedApplicationOptions options, RunValues values)
    {
        var dll = ProjectOutput.FindOrBuild(project.ProjectPath, options.Configuration);
        return new ResourceLaunch(DotNetHost.Path, [dll], Path.GetDirectoryName(project.ProjectPath)!, Evaluate(project, replica, values));
    }

    private static Dictionary<string, string?> Evaluate(Resource resource, int replica, RunValues values)
    {
        var environment = BindingVariables.ToDictionary(v => v, string? (_) => null);
        foreach (var (key, value) in EnvironmentContext.Evaluate(resource, replica, values)) environment[key] = value;
        return environment;
    }

    public override string ToString() => string.Join(' ', [FileName, .. Args.Select(a => a.Length == 0 ? "\"\"" : a)]);
}
