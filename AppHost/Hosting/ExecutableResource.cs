namespace AppHost.Hosting;

/// <summary>A program of the OS run locally (e.g. prometheus); not published.</summary>
public class ExecutableResource(string name, string command) : Resource(name)
{
    public string Command { get; } = command;

    /// <summary>Arguments computed at start, after ports are allocated.</summary>
    public List<Func<IEnumerable<string>>> Args { get; } = [];

    public string WorkingDirectory { get; set; } = System.Environment.CurrentDirectory;

    /// <summary>True when <paramref name="command"/> is found on PATH (or is an existing path).</summary>
    public static bool IsInstalled(string command) => FindOnPath(command) is not null;

    public static string? FindOnPath(string command)
    {
        if (command.Contains('/')) return File.Exists(command) ? command : null;
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);
    }
}
