namespace AppHost.Hosting;

/// <summary>Prints the resources, their state, process id, restarts and URLs, like Aspire's dashboard list.</summary>
public static class ResourceTable
{
    public static string Render(IReadOnlyList<ResourceProcess> processes)
    {
        string[] header = ["Resource", "Type", "State", "PID", "Restarts", "URL"];
        var rows = processes.Select(p => new[]
        {
            p.Name,
            p.Resource.GetType().Name.Replace("Resource", ""),
            p.State.ToString(),
            p.ProcessId?.ToString() ?? "-",
            p.Restarts.ToString(),
            p.Resource.Endpoints.Count == 0 ? "-" : string.Join(' ', p.Resource.Endpoints.Select(e => e.Url(p.Replica))),
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();

        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();
        var lines = new List<string> { "", Line(header), Line(widths.Select(w => new string('-', w)).ToArray()) };
        lines.AddRange(rows.Select(Line));
        lines.Add("");
        return string.Join(System.Environment.NewLine, lines);
    }
}
