namespace AppHost.Hosting;

/// <summary>Prints the resources, their state, process id and URLs, like Aspire's dashboard list.</summary>
public static class ResourceTable
{
    public static void Print(IReadOnlyList<ResourceProcess> processes)
    {
        string[] header = ["Resource", "Type", "State", "PID", "URL"];
        var rows = processes.Select(p => new[]
        {
            p.Resource.Name,
            p.Resource.GetType().Name.Replace("Resource", ""),
            p.State.ToString(),
            p.ProcessId?.ToString() ?? "-",
            p.Resource.Endpoints.Count == 0 ? "-" : string.Join(' ', p.Resource.Endpoints.Select(e => e.Url.ToString().TrimEnd('/'))),
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();

        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();
        Console.WriteLine();
        Console.WriteLine(Line(header));
        Console.WriteLine(Line(widths.Select(w => new string('-', w)).ToArray()));
        foreach (var row in rows) Console.WriteLine(Line(row));
        Console.WriteLine();
    }
}
