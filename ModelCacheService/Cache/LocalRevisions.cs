using ModelCacheService.Hub;

namespace ModelCacheService.Cache;

/// <summary>Resolves a revision against the cache alone (huggingface_hub's offline lookup): commit hash, or refs/{revision}.</summary>
public static class LocalRevisions
{
    /// <summary>The commit of a cached snapshot for <paramref name="revision"/>, or null when there is none. A ref file
    /// (whoever wrote it) counts only when it holds a commit hash: its content becomes a path.</summary>
    public static string? ResolveCommit(RepoCacheLayout layout, string revision)
    {
        string? commit = null;
        if (RevisionName.IsCommitHash(revision)) commit = revision;
        else if (File.Exists(layout.RefPath(revision))) commit = File.ReadAllText(layout.RefPath(revision)).Trim();
        else if (revision == RevisionName.Default) commit = SingleSnapshot(layout); // Pulled by commit only.
        return commit is not null && RevisionName.IsCommitHash(commit) && Directory.Exists(layout.SnapshotFolder(commit)) ? commit : null;
    }

    /// <summary>Branch and tag names (relative to refs/, with '/') that point at each commit.</summary>
    public static ILookup<string, string> RefsByCommit(RepoCacheLayout layout)
    {
        if (!Directory.Exists(layout.RefsFolder)) return Array.Empty<(string, string)>().ToLookup(r => r.Item1, r => r.Item2);
        return Directory.EnumerateFiles(layout.RefsFolder, "*", SearchOption.AllDirectories)
            .Where(path => !Path.GetFileName(path).Contains(".tmp-"))
            .Select(path => (Commit: File.ReadAllText(path).Trim(), Name: Path.GetRelativePath(layout.RefsFolder, path).Replace(Path.DirectorySeparatorChar, '/')))
            .Where(r => RevisionName.IsCommitHash(r.Commit))
            .ToLookup(r => r.Commit, r => r.Name);
    }

    private static string? SingleSnapshot(RepoCacheLayout layout)
    {
        if (!Directory.Exists(layout.SnapshotsFolder)) return null;
        var snapshots = Directory.GetDirectories(layout.SnapshotsFolder);
        return snapshots.Length == 1 ? Path.GetFileName(snapshots[0]) : null;
    }
}
