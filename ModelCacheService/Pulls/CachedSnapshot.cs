using ModelCacheService.Cache;
using ModelCacheService.Hub;

namespace ModelCacheService.Pulls;

/// <summary>Completes a pull from the cache alone (offline mode, or the hub unreachable), as huggingface_hub falls back to it.</summary>
public static class CachedSnapshot
{
    /// <summary>True when a complete snapshot of the pull's revision is cached (with a choice of files: those it takes
    /// among the cached ones); the pull is then completed from it.</summary>
    public static bool TryComplete(PullProgress progress, CacheScanner scanner, string warning)
    {
        var layout = scanner.Layout(progress.Repo);
        var commit = LocalRevisions.ResolveCommit(layout, progress.Revision);
        if (commit is null) return false;
        var cached = scanner.ScanRevision(layout, commit);
        var files = cached.Files;
        if (!progress.Selection.IsEverything)
        {
            var present = files.Where(f => !f.Broken).Select(f => new RepoFile(f.Name, f.Size, null)).ToList();
            try
            {
                var chosen = progress.Selection.Apply(progress.Repo, progress.Revision, present).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
                files = files.Where(f => chosen.Contains(f.Name)).ToList();
            }
            catch (PullFailedException)
            {
                return false;
            }
        }
        else if (!cached.Complete)
        {
            return false;
        }
        progress.Resolved(commit, files.Select(f => (f.Name, (long?)f.Size)));
        foreach (var file in files) progress.FileFinished(file.Name, fromCache: true);
        progress.Completed(cached.SnapshotPath, warning);
        return true;
    }
}
