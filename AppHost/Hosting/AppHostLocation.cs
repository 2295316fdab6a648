using System.Reflection;

namespace AppHost.Hosting;

/// <summary>Finds the AppHost project folder from wherever its DLL runs (its bin folder, a test's output, a publish folder).</summary>
public static class AppHostLocation
{
    private const string ProjectFile = "AppHost.csproj";

    public static string ProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, ProjectFile))) return dir.FullName;
            var child = Path.Combine(dir.FullName, "AppHost");
            if (File.Exists(Path.Combine(child, ProjectFile))) return child;
        }
        var built = typeof(AppHostLocation).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "AppHostProjectDirectory")?.Value;
        if (built is not null && File.Exists(Path.Combine(built, ProjectFile))) return built;
        return Environment.CurrentDirectory;
    }
}
