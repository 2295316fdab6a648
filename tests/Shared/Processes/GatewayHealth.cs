using System.Text.Json;

namespace Tests.Shared;

/// <summary>Reads the Gateway's /health document: {"entries":{"replicas":{"data":{"inference-N":{"available","models"}}}}}.</summary>
public static class GatewayHealth
{
    /// <summary>Whether replicas inference-0 … inference-(count−1) are all available with their models listed: the gateway routes to them.</summary>
    public static bool ReplicasReady(string health, int count)
    {
        if (count == 0) return true;
        using var json = JsonDocument.Parse(health);
        if (!json.RootElement.TryGetProperty("entries", out var entries) || !entries.TryGetProperty("replicas", out var replicas) ||
            !replicas.TryGetProperty("data", out var data)) return false;
        for (var i = 0; i < count; i++)
        {
            if (!data.TryGetProperty($"inference-{i}", out var replica)) return false;
            if (!replica.GetProperty("available").GetBoolean() || replica.GetProperty("models").GetArrayLength() == 0) return false;
        }
        return true;
    }
}
