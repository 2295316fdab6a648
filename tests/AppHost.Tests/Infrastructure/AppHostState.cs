using System.Text.Json;

namespace AppHost.Tests.Infrastructure;

/// <summary>One replica in the AppHost's --state-file.</summary>
public sealed record ResourceSnapshot(
    string Name, string Resource, int Replica, string Type, string State, int? Pid, int Restarts, Dictionary<string, string> Endpoints)
{
    public bool IsUp => State is "Healthy" or "Running";
}

/// <summary>The AppHost's --state-file: every replica's state, pid, restarts and endpoint URLs.</summary>
public sealed record AppHostState(int AppHostPid, DateTimeOffset Updated, IReadOnlyList<ResourceSnapshot> Resources)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The replica named <paramref name="name"/> ("gateway", "inference-1").</summary>
    public ResourceSnapshot this[string name] =>
        Resources.FirstOrDefault(r => r.Name == name) ?? throw new KeyNotFoundException($"No resource '{name}' in the state file.");

    /// <summary>The replicas of resource <paramref name="resource"/>, in order.</summary>
    public IReadOnlyList<ResourceSnapshot> ReplicasOf(string resource) => Resources.Where(r => r.Resource == resource).OrderBy(r => r.Replica).ToList();

    /// <summary>The file's content, or null while it does not exist yet.</summary>
    public static AppHostState? TryRead(string path)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                return File.Exists(path) ? JsonSerializer.Deserialize<AppHostState>(File.ReadAllText(path), Json) : null;
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                Thread.Sleep(20); // Replaced while read; the writer renames atomically, so this is rare.
            }
        }
        return null;
    }

    public override string ToString() =>
        string.Join("; ", Resources.Select(r => $"{r.Name} {r.State} pid {r.Pid} restarts {r.Restarts} {string.Join(" ", r.Endpoints.Values)}"));
}
