namespace AppHost.Hosting;

/// <summary>A .NET project of this repository, run from its build output.</summary>
public sealed class ProjectResource(string name, string projectPath) : Resource(name)
{
    /// <summary>Full path of the .csproj.</summary>
    public string ProjectPath { get; } = projectPath;
}
