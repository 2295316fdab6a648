namespace AppHost.Hosting;

/// <summary>The repository root (the folder with Aspire.sln above the AppHost): the build context of the published images.</summary>
public static class RepositoryLocation
{
    public static string Root(string appHostDirectory)
    {
        for (var dir = new DirectoryInfo(appHostDirectory); dir is not null; dir = dir.Parent)
            if (dir.EnumerateFiles("*.sln").Any() || dir.EnumerateFiles("*.slnx").Any()) return dir.FullName;
        return Path.GetDirectoryName(Path.GetFullPath(appHostDirectory))!;
    }
}
