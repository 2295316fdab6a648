using System.Text.Json;

namespace Gateway.Routing;

/// <summary>What one replica's GET /v1/models answered: the model ids and the entries as sent.</summary>
public sealed record ReplicaModels(IReadOnlySet<string> Ids, IReadOnlyList<JsonElement> Entries)
{
    public static ReplicaModels Parse(JsonDocument document)
    {
        var entries = new List<JsonElement>();
        if (document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            foreach (var entry in data.EnumerateArray())
                if (entry.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                    entries.Add(entry.Clone());
        return new ReplicaModels(entries.Select(e => e.GetProperty("id").GetString()!).ToHashSet(StringComparer.Ordinal), entries);
    }
}
