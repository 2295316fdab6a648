using System.Text.Json;
using ModelCacheService.Api;
using ModelCacheService.Hub;

namespace ModelCacheService.Cache;

/// <summary>
/// The file list of a revision as the hub gave it, kept beside the snapshot (.modelcache/{commit}.json)
/// so "complete" can be answered later; Python's cache tools ignore the folder.
/// </summary>
public sealed record SnapshotManifest(string Repo, string Commit, IReadOnlyList<SnapshotManifest.Entry> Files)
{
    public sealed record Entry(string Path, long? Size);

    public static SnapshotManifest From(RepoRevision revision) =>
        new(revision.Repo.ToString(), revision.Commit, revision.Files.Select(f => new Entry(f.Path, f.Size)).ToList());

    /// <summary>This manifest plus the entries of <paramref name="earlier"/> it lacks.</summary>
    public SnapshotManifest Including(SnapshotManifest earlier) =>
        this with { Files = [.. Files, .. earlier.Files.Where(e => Files.All(f => f.Path != e.Path))] };

    public void Write(RepoCacheLayout layout)
    {
        Directory.CreateDirectory(layout.ManifestsFolder);
        AtomicFile.WriteAllText(layout.ManifestPath(Commit), JsonSerializer.Serialize(this, JsonDefaults.Options));
    }

    /// <summary>The manifest of a commit, or null when there is none (e.g. a cache made by Python) or it is unreadable.</summary>
    public static SnapshotManifest? TryRead(RepoCacheLayout layout, string commit)
    {
        try
        {
            var path = layout.ManifestPath(commit);
            return File.Exists(path) ? JsonSerializer.Deserialize<SnapshotManifest>(File.ReadAllText(path), JsonDefaults.Options) : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
