namespace AppHost.Hosting;

/// <summary>
/// The command that runs a resource: executable, arguments, working folder and environment
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
        ["ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTP_PORTS", "DOTNET_HTTPS_PORTS"];

    public static ResourceLaunch For(Resource resource, DistributedApplicationOptions options) => resource switch
    {
        ProjectResource project => ForProject(project, options),
        _ => throw new NotSupportedException($"No launcher for {resource.GetType().Name}."),
    };

    /// <summary>
    /// <c>dotnet &lt;Project&gt;.dll</c> from the build output, in the project folder (as <c>dotnet run</c> and
    /// Aspire do), with the environment Aspire injects: ASPNETCORE_URLS from the endpoints and OTEL_SERVICE_NAME.
    /// </summary>
    private static ResourceLaunch ForProject(ProjectResource project, DistributedApplicationOptions options)
    {
        var dll = ProjectOutput.FindOrBuild(project.ProjectPath, options.Configuration);
        var environment = BindingVariables.ToDictionary(v => v, string? (_) => null);
        if (project.Endpoints.Count > 0)
            environment["ASPNETCORE_URLS"] = string.Join(';', project.Endpoints.Select(e => e.Url.ToString().TrimEnd('/')));
        environment["OTEL_SERVICE_NAME"] = project.Name;
        foreach (var (key, value) in project.Environment) environment[key] = value;

        return new ResourceLaunch(
            DotNetHost.Path,
            [dll, .. project.Args.SelectMany(a => a())],
            Path.GetDirectoryName(project.ProjectPath)!,
            environment);
    }

    public override string ToString() => string.Join(' ', [FileName, .. Args]);
}
