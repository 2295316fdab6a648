using System.Text.Json;

namespace AdminDashboard.Clients;

/// <summary>A service's /health document (HealthChecks UI JSON: status, totalDuration, entries) or why it could not be read.</summary>
public sealed record HealthReport(string Status, string? TotalDuration, IReadOnlyList<HealthEntry> Entries, int? HttpStatus, string? Error)
{
    public const string Healthy = "Healthy";
    public const string Degraded = "Degraded";
    public const string Unhealthy = "Unhealthy";
    public const string Unreachable = "Unreachable";

    public static HealthReport Failed(string error, int? httpStatus = null) => new(Unreachable, null, [], httpStatus, error);

    /// <summary>Parses the HealthChecks UI JSON; a body in another shape becomes an error report.</summary>
    public static HealthReport Parse(string body, int httpStatus)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String)
                return Failed($"/health answered {httpStatus} without a HealthChecks UI document", httpStatus);
            var entries = new List<HealthEntry>();
            if (root.TryGetProperty("entries", out var list) && list.ValueKind == JsonValueKind.Object)
                foreach (var entry in list.EnumerateObject())
                    entries.Add(HealthEntry.Parse(entry.Name, entry.Value));
            return new HealthReport(status.GetString()!, String(root, "totalDuration"), entries, httpStatus, null);
        }
        catch (JsonException)
        {
            return Failed($"/health answered {httpStatus} with a body that is not JSON", httpStatus);
        }
    }

    internal static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>One health check of a report: status, description, duration, data (values as compact JSON text) and tags.</summary>
public sealed record HealthEntry(string Name, string Status, string? Description, string? Duration,
    IReadOnlyList<KeyValuePair<string, string>> Data, IReadOnlyList<string> Tags)
{
    public static HealthEntry Parse(string name, JsonElement entry)
    {
        var data = new List<KeyValuePair<string, string>>();
        if (entry.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object)
            foreach (var item in d.EnumerateObject())
                data.Add(new(item.Name, item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText()));
        var tags = entry.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
        return new HealthEntry(name, HealthReport.String(entry, "status") ?? "Unknown", HealthReport.String(entry, "description"),
            HealthReport.String(entry, "duration"), data, tags);
    }
}
