using System.Text.Json;

namespace Gateway.Routing;

/// <summary>One model on one replica as the replica's GET /admin/models reports it (state pulling, loading, ready,
/// draining, failed or unloaded; the error of a failed load; how many loads the replica has started for the name), with
/// the entry as sent.</summary>
public sealed record ReplicaModelStatus(string Name, string State, string? ErrorMessage, string? ErrorCode, long MemoryBytes, int Loads, JsonElement Entry)
{
    public bool IsComingUp => State is "pulling" or "loading";

    public static IReadOnlyList<ReplicaModelStatus> ParseList(JsonElement body)
    {
        var list = new List<ReplicaModelStatus>();
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array) return list;
        foreach (var entry in data.EnumerateArray())
        {
            if (String(entry, "name") is not { } name) continue;
            var error = entry.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
            long memory = entry.TryGetProperty("memory", out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty("total_bytes", out var total)
                && total.TryGetInt64(out long bytes) ? bytes : 0;
            list.Add(new ReplicaModelStatus(name, String(entry, "state") ?? "unknown",
                error.ValueKind == JsonValueKind.Object ? String(error, "message") : null,
                error.ValueKind == JsonValueKind.Object ? String(error, "code") : null, memory,
                entry.TryGetProperty("loads", out var loads) && loads.TryGetInt32(out int count) ? count : 0, entry.Clone()));
        }
        return list;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
