using ModelCacheService.Configuration;
using ModelCacheService.Hub;

namespace ModelCacheService.Cache;

/// <summary>
/// Reads the cache folder the way huggingface_hub's scan_cache_dir does (first symlink hop into blobs/,
/// size of unique blobs), whoever wrote it: this service or Python tools.
/// </summary>
public sealed class CacheScanner(HubSettings settings)
{
    private const string TempMarker = ".tmp-";

    public RepoCacheLayout Layout(RepoId repo) => new(settings.CacheDirectory, repo);

    public IReadOnlyList<CachedModel> ScanAll()
    {
        if (!Directory.Exists(settings.CacheDirectory)) return [];
        return Directory.EnumerateDirectories(settings.CacheDirectory, "models--*")
            .Select(folder => TryParseFolder(Path.GetFileName(folder)))
            .OfType<RepoId>()
            .Select(Scan)
            .OfType<CachedModel>()
            .OrderBy(m => m.Repo.ToString(), StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    public CachedModel? Scan(RepoId repo)
    {
        var layout = Layout(repo);
        if (!Directory.Exists(layout.SnapshotsFolder)) return null;
        var refs = LocalRevisions.RefsByCommit(layout);
        var revisions = Directory.EnumerateDirectories(layout.SnapshotsFolder)
            .Select(folder => ScanRevision(layout, Path.GetFileName(folder), refs))
            .OrderBy(r => r.Commit, StringComparer.Ordinal)
            .ToList();
        var blobs = Directory.Exists(layout.BlobsFolder) ? new DirectoryInfo(layout.BlobsFolder).GetFiles() : [];
        return new CachedModel(repo, layout.RepoFolder,
            blobs.Where(b => !b.Name.EndsWith(".incomplete", StringComparison.Ordinal)).Sum(b => b.Length),
            blobs.Where(b => b.Name.EndsWith(".incomplete", StringComparison.Ordinal)).Sum(b => b.Length),
            revisions);
    }

    public CachedRevision ScanRevision(RepoCacheLayout layout, string commit, ILookup<string, string>? refs = null)
    {
        var folder = layout.SnapshotFolder(commit);
        var files = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(path => !Path.GetFileName(path).Contains(TempMarker))
                .Select(path => Describe(folder, path))
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .ToList()
            : [];
        var missing = SnapshotCompleteness.Missing(folder, files, SnapshotManifest.TryRead(layout, commit));
        var size = files.Where(f => !f.Broken).DistinctBy(f => f.BlobPath).Sum(f => f.Size);
        var names = (refs ?? LocalRevisions.RefsByCommit(layout))[commit].Order(StringComparer.Ordinal).ToList();
        return new CachedRevision(commit, names, folder, files, size, missing.Count == 0 && files.Count > 0, missing);
    }

    /// <summary>The blob a snapshot file stands for: the first hop of its symlink (a copied file stands for itself).</summary>
    public static string BlobOf(string path)
    {
        var target = new FileInfo(path).LinkTarget;
        return target is null ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, target));
    }

    private static CachedFile Describe(string snapshotFolder, string path)
    {
        var name = Path.GetRelativePath(snapshotFolder, path).Replace(Path.DirectorySeparatorChar, '/');
        var blob = BlobOf(path);
        var info = new FileInfo(blob);
        return new CachedFile(name, info.Exists ? info.Length : 0, blob, !info.Exists);
    }

    /// <summary>"models--{org}--{name}" back to the repo id; other folders (datasets, spaces, org-less ids) are not ours to list.</summary>
    private static RepoId? TryParseFolder(string folder)
    {
        var parts = folder["models--".Length..].Split("--");
        return parts.Length == 2 && RepoId.TryCreate(parts[0], parts[1], out var repo) ? repo : null;
    }
}
