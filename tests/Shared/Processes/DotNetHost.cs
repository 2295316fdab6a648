namespace Tests.Shared;

/// <summary>The <c>dotnet</c> executable to start service DLLs with: the one running the tests where known.</summary>
public static class DotNetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath)) return hostPath;
        var processPath = Environment.ProcessPath;
        if (processPath is not null && System.IO.Path.GetFileNameWithoutExtension(processPath) == "dotnet") return processPath;
        return "dotnet";
    }
}
