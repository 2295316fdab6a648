namespace AppHost.Hosting;

/// <summary>A .NET project of this repository: run from its build output, published as a container built from it.</summary>
public sealed class ProjectResource(string name, string projectPath) : Resource(name)
{
    /// <summary>Full path of the .csproj.</summary>
    public string ProjectPath { get; } = projectPath;

    /// <summary>The port the project listens on inside a container (ASP.NET's default).</summary>
    public const int ContainerPort = 8080;
}
