using System.Text.Json;

namespace AppHost.Hosting;

/// <summary>
/// The <c>--state-file</c>: a JSON document of every replica (name, resource, replica index, type, state, pid,
/// restarts, endpoint URLs), rewritten atomically on every change. Tests and tools read it instead of parsing logs.
/// </summary>
public static class ResourceStateFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Write(string path, IReadOnlyList<ResourceProcess> processes)
    {
        var document = new
        {
            appHostPid = System.Environment.ProcessId,
            updated = DateTimeOffset.UtcNow,
            resources = processes.Select(p => new
            {
                name = p.Name,
                resource = p.Resource.Name,
                replica = p.Replica,
                type = p.Resource.GetType().Name.Replace("Resource", ""),
                state = p.State.ToString(),
                pid = p.ProcessId,
                restarts = p.Restarts,
                endpoints = p.Resource.Endpoints.ToDictionary(e => e.Name, e => e.Url(p.Replica)),
            }),
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{System.Environment.ProcessId}.tmp");
        File.WriteAllText(temporary, JsonSerializer.Serialize(document, Json));
        File.Move(temporary, path, overwrite: true);
    }
}
