using ModelCacheService.Hub;

namespace ModelCacheService.Cache;

/// <summary>
/// Writes the snapshot side of the layout: snapshots/{commit}/{file} as relative symlinks into blobs
/// (../../blobs/{etag}, one more ../ per sub-folder, exactly as huggingface_hub's _create_symlink), and
/// refs/{revision} holding the commit (no newline, as huggingface_hub writes it).
/// </summary>
public static class SnapshotWriter
{
    /// <summary>Creates the snapshot folder, then the ref (a ref must never point at a missing snapshot), and the manifest:
    /// the files pulled into this snapshot so far (a pull of some files adds them; "complete" means all of those are there).</summary>
    public static void Prepare(RepoCacheLayout layout, RepoRevision revision)
    {
        Directory.CreateDirectory(layout.SnapshotFolder(revision.Commit));
        var manifest = SnapshotManifest.From(revision);
        if (SnapshotManifest.TryRead(layout, revision.Commit) is { } earlier) manifest = manifest.Including(earlier);
        manifest.Write(layout);
        WriteRef(layout, revision.Revision, revision.Commit);
    }

    public static void WriteRef(RepoCacheLayout layout, string revision, string commit)
    {
        if (revision == commit) return; // A commit needs no ref.
        var path = layout.RefPath(revision);
        if (File.Exists(path) && File.ReadAllText(path) == commit) return;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, commit);
    }

    /// <summary>True when the snapshot already has this file and its blob exists (File.Exists follows the link).</summary>
    public static bool IsLinked(RepoCacheLayout layout, string commit, string repoPath) =>
        File.Exists(layout.SnapshotFile(commit, repoPath));

    /// <summary>Points snapshots/{commit}/{path} at blobs/{etag}; the link is made aside and renamed into place (atomic).</summary>
    public static void Link(RepoCacheLayout layout, string commit, string repoPath, string etag)
    {
        var link = layout.SnapshotFile(commit, repoPath);
        var folder = Path.GetDirectoryName(link)!;
        Directory.CreateDirectory(folder);
        var target = Path.GetRelativePath(folder, layout.BlobPath(etag));
        var temp = Path.Combine(folder, $".{Path.GetFileName(link)}.tmp-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(temp, target);
        File.Move(temp, link, overwrite: true);
    }
}
