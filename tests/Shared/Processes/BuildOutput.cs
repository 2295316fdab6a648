using System.Reflection;

namespace Tests.Shared;

/// <summary>
/// Finds the built DLL of a service project of this repository, so tests can start it as a real process.
/// Order: the project's own output folder (bin/&lt;Configuration&gt;/&lt;tfm&gt;, the configuration this test
/// assembly was built with first, then the artifacts layout), then the copy the SDK places next to the
/// test assembly because the test project references the project. The project's own folder comes first:
/// there the service has its own deps.json, appsettings and content, with nothing shared with other services.
/// </summary>
public static class BuildOutput
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The configuration this test assembly was built with (Release under test.sh).</summary>
    public static string Configuration { get; } =
        typeof(BuildOutput).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>Target framework folder name of the test assembly (e.g. net10.0); services share it.</summary>
    public static string TargetFramework { get; } = new DirectoryInfo(AppContext.BaseDirectory).Name;

    /// <summary>Full path of <c>&lt;project&gt;.dll</c> for a project at <c>&lt;root&gt;/&lt;projectDir&gt;/&lt;project&gt;.csproj</c>.</summary>
    public static string ServiceDll(string project, string? projectDir = null)
    {
        var candidates = Candidates(project, projectDir ?? project).ToList();
        foreach (var dll in candidates)
        {
            var runtimeConfig = Path.ChangeExtension(dll, ".runtimeconfig.json");
            if (File.Exists(dll) && File.Exists(runtimeConfig)) return dll;
        }
        throw new FileNotFoundException(
            $"No build output of {project} found; run `dotnet build Aspire.sln -c {Configuration}` first. Looked for:\n  " +
            string.Join("\n  ", candidates));
    }

    private static IEnumerable<string> Candidates(string project, string projectDir)
    {
        var dllName = project + ".dll";
        var projectPath = Path.Combine(RepositoryRoot, projectDir);
        var configurations = new[] { Configuration, "Release", "Debug" }.Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var configuration in configurations)
            yield return Path.Combine(projectPath, "bin", configuration, TargetFramework, dllName);
        foreach (var configuration in configurations)
            yield return Path.Combine(RepositoryRoot, "artifacts", "bin", project, configuration.ToLowerInvariant(), dllName);
        yield return Path.Combine(AppContext.BaseDirectory, dllName);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Aspire.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Aspire.sln not found above " + AppContext.BaseDirectory);
    }
}
