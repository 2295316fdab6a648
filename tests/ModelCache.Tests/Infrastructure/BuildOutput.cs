using System.Reflection;

namespace ModelCache.Tests.Infrastructure;

/// <summary>Finds ModelCacheService's own build output (bin/&lt;Configuration&gt;/&lt;tfm&gt;), the way Services.Tests does.</summary>
public static class BuildOutput
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Configuration { get; } =
        typeof(BuildOutput).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static string TargetFramework { get; } = new DirectoryInfo(AppContext.BaseDirectory).Name;

    public static string ServiceDll(string project)
    {
        var candidates = new[] { Configuration, "Release", "Debug" }.Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(configuration => Path.Combine(RepositoryRoot, project, "bin", configuration, TargetFramework, project + ".dll"))
            .ToList();
        return candidates.FirstOrDefault(dll => File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
            ?? throw new FileNotFoundException(
                $"No build output of {project}; run `dotnet build {project} -c {Configuration}`. Looked for:\n  " + string.Join("\n  ", candidates));
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Aspire.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Aspire.sln not found above " + AppContext.BaseDirectory);
    }
}
