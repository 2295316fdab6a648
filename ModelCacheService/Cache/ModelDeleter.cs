namespace ModelCacheService.Cache;

/// <summary>What a delete removed.</summary>
public sealed record DeleteResult(IReadOnlyList<string> DeletedCommits, int DeletedBlobs, long FreedBytes, bool RepoDeleted);

/// <summary>
/// Deletes a whole repository or one snapshot, like huggingface_hub's delete_revisions: a snapshot's
/// blobs go only when no other snapshot links to them; refs to the snapshot go first, so no ref is ever
/// left pointing at a missing snapshot; the last snapshot takes the whole repository folder with it.
/// </summary>
public static class ModelDeleter
{
    public static DeleteResult DeleteRepo(RepoCacheLayout layout)
    {
        var commits = Directory.Exists(layout.SnapshotsFolder)
            ? Directory.GetDirectories(layout.SnapshotsFolder).Select(d => Path.GetFileName(d)).ToList()
            : [];
        var blobs = Directory.Exists(layout.BlobsFolder) ? new DirectoryInfo(layout.BlobsFolder).GetFiles() : [];
        Directory.Delete(layout.RepoFolder, recursive: true); // Unlinks symlinks, never follows them.
        if (Directory.Exists(layout.LocksFolder)) Directory.Delete(layout.LocksFolder, recursive: true);
        return new DeleteResult(commits, blobs.Length, blobs.Sum(b => b.Length), RepoDeleted: true);
    }

    public static DeleteResult DeleteRevision(RepoCacheLayout layout, string commit)
    {
        var snapshot = layout.SnapshotFolder(commit);
        var others = Directory.GetDirectories(layout.SnapshotsFolder).Where(d => Path.GetFileName(d) != commit).ToList();
        if (others.Count == 0) return DeleteRepo(layout);

        var keep = others.SelectMany(BlobsLinkedFrom).ToHashSet(StringComparer.Ordinal);
        var candidates = BlobsLinkedFrom(snapshot)
            .Where(blob => !keep.Contains(blob) && Path.GetDirectoryName(blob) == Path.GetFullPath(layout.BlobsFolder))
            .ToList();

        foreach (var name in LocalRevisions.RefsByCommit(layout)[commit]) File.Delete(layout.RefPath(name));
        Directory.Delete(snapshot, recursive: true);
        File.Delete(layout.ManifestPath(commit));

        long freed = 0;
        var deleted = 0;
        foreach (var blob in candidates.Where(File.Exists))
        {
            freed += new FileInfo(blob).Length;
            File.Delete(blob);
            deleted++;
        }
        return new DeleteResult([commit], deleted, freed, RepoDeleted: false);
    }

    private static IEnumerable<string> BlobsLinkedFrom(string snapshot) =>
        Directory.EnumerateFiles(snapshot, "*", SearchOption.AllDirectories)
            .Where(path => new FileInfo(path).LinkTarget is not null)
            .Select(CacheScanner.BlobOf);
}
