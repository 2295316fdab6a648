using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace AppHost.Hosting;

/// <summary>
/// Finds a project's built DLL (bin/&lt;Configuration&gt;/&lt;tfm&gt;/&lt;AssemblyName&gt;.dll); when there is
/// none, builds the project first (<c>dotnet build -c &lt;Configuration&gt;</c>) so the resource can still be
/// started as a single <c>dotnet &lt;dll&gt;</c> process rather than a <c>dotnet run</c> wrapper with a child.
/// </summary>
public static partial class ProjectOutput
{
    /// <summary>Target framework folder of the AppHost itself (e.g. net10.0); the projects share it.</summary>
    private static readonly string TargetFramework = FolderName(
        typeof(ProjectOutput).Assembly.GetCustomAttribute<System.Runtime.Versioning.TargetFrameworkAttribute>()?.FrameworkName);

    public static string FindOrBuild(string projectPath, string configuration)
    {
        if (!File.Exists(projectPath)) throw new FileNotFoundException($"Project not found: {projectPath}");
        var dll = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configuration, TargetFramework, AssemblyName(projectPath) + ".dll");
        if (File.Exists(dll)) return dll;

        Console.WriteLine($"AppHost: no build output at {dll}; building {Path.GetFileName(projectPath)} ({configuration})...");
        using var build = Process.Start(DotNetHost.Path, ["build", projectPath, "-c", configuration, "-nologo", "-v:q"]);
        build.WaitForExit();
        if (build.ExitCode != 0 || !File.Exists(dll))
            throw new InvalidOperationException($"Building {projectPath} failed (exit code {build.ExitCode}) or did not produce {dll}.");
        return dll;
    }

    /// <summary>The &lt;AssemblyName&gt; of the project file, else its file name.</summary>
    public static string AssemblyName(string projectPath)
    {
        var match = AssemblyNameElement().Match(File.ReadAllText(projectPath));
        return match.Success ? match.Groups[1].Value.Trim() : Path.GetFileNameWithoutExtension(projectPath);
    }

    /// <summary>".NETCoreApp,Version=v10.0" → "net10.0".</summary>
    private static string FolderName(string? frameworkName)
    {
        var version = frameworkName?.Split("Version=v").LastOrDefault();
        return version is null ? "net10.0" : "net" + version;
    }

    [GeneratedRegex(@"<AssemblyName>([^<$]+)</AssemblyName>")]
    private static partial Regex AssemblyNameElement();
}
