namespace Tests.Shared;

/// <summary>Process relationships read from Linux /proc (the platform these tests run on).</summary>
public static class ProcessTree
{
    /// <summary>Ids of all living descendants of <paramref name="pid"/>.</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var id) && TryReadStat(id) is { } stat)
                parents[id] = stat.ParentId;

        var result = new List<int>();
        var frontier = new Queue<int>([pid]);
        while (frontier.TryDequeue(out var parent))
            foreach (var (child, _) in parents.Where(p => p.Value == parent))
            {
                result.Add(child);
                frontier.Enqueue(child);
            }
        return result;
    }

    /// <summary>Ids of all living processes whose command line contains <paramref name="text"/>.</summary>
    public static IReadOnlyList<int> WithCommandLineContaining(string text) =>
        Directory.EnumerateDirectories("/proc")
            .Select(dir => int.TryParse(Path.GetFileName(dir), out var id) ? id : 0)
            .Where(id => id > 0 && IsAlive(id) && CommandLine(id).Contains(text, StringComparison.Ordinal))
            .ToList();

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid) => TryReadStat(pid) is { } stat && stat.State != 'Z' && stat.State != 'X';

    /// <summary>The command line of a process, for messages.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static (char State, int ParentId)? TryReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so parse after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0][0], int.Parse(fields[1]));
    }
}
