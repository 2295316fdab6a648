using ModelCacheService.Cache;

namespace ModelCacheService.Pulls;

/// <summary>Completes a pull from the cache alone (offline mode, or the hub unreachable), as huggingface_hub falls back to it.</summary>
public static class CachedSnapshot
{
    /// <summary>True when a complete snapshot of the pull's revision is cached; the pull is then completed from it.</summary>
    public static bool TryComplete(PullProgress progress, CacheScanner scanner, string warning)
    {
        var layout = scanner.Layout(progress.Repo);
        var commit = LocalRevisions.ResolveCommit(layout, progress.Revision);
        if (commit is null) return false;
        var cached = scanner.ScanRevision(layout, commit);
        if (!cached.Complete) return false;
        progress.Resolved(commit, cached.Files.Select(f => (f.Name, (long?)f.Size)));
        foreach (var file in cached.Files) progress.FileFinished(file.Name, fromCache: true);
        progress.Completed(cached.SnapshotPath, warning);
        return true;
    }
}
