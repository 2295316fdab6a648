using System.Runtime.ExceptionServices;
using System.Text.RegularExpressions;
using ModelCacheService.Cache;
using ModelCacheService.Configuration;
using ModelCacheService.Hub;

namespace ModelCacheService.Pulls;

/// <summary>
/// One pull, like `huggingface-cli download`: resolve the revision to a commit and its files, prepare the
/// snapshot (folder, ref, manifest), then for each file (several at once) read its metadata, make sure its
/// blob is there (downloaded and verified if not) and link it into the snapshot. The first failure stops
/// the others; whatever is linked is complete, whatever is not stays out of the snapshot.
/// </summary>
public sealed partial class PullJob(HubClient hub, BlobDownloader downloader, CacheScanner scanner, DownloadSettings settings)
{
    public async Task RunAsync(PullProgress progress, CancellationToken ct)
    {
        var layout = scanner.Layout(progress.Repo);
        progress.Resolving();
        RepoRevision revision;
        try
        {
            revision = await hub.GetRevisionAsync(progress.Repo, progress.Revision, ct);
        }
        catch (PullFailedException e) when (e.Error.Code == "hub_unreachable"
            && CachedSnapshot.TryComplete(progress, scanner, $"The hub could not be reached ({e.InnerException?.Message}); served the cached snapshot."))
        {
            return;
        }

        progress.Resolved(revision.Commit, revision.Files.Select(f => (f.Path, f.Size)));
        SnapshotWriter.Prepare(layout, revision);

        var downloads = Parallel.ForEachAsync(revision.Files,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, settings.MaxParallelDownloads), CancellationToken = ct },
            async (file, token) => await PullFileAsync(layout, revision, file, progress, token));
        try
        {
            await downloads;
        }
        catch when (downloads.Exception?.InnerExceptions.OfType<PullFailedException>().FirstOrDefault() is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure); // The cause, not the cancellations it caused in the other files.
        }
        progress.Completed(layout.SnapshotFolder(revision.Commit));
    }

    private async Task PullFileAsync(RepoCacheLayout layout, RepoRevision revision, RepoFile file, PullProgress progress, CancellationToken ct)
    {
        if (SnapshotWriter.IsLinked(layout, revision.Commit, file.Path))
        {
            progress.FileFinished(file.Path, fromCache: true);
            return;
        }
        try
        {
            var metadata = await hub.GetFileMetadataAsync(revision.Repo, revision.Commit, file.Path, ct);
            Check(revision, file, metadata);
            var fileProgress = progress.StartFile(file.Path, metadata.Size);
            var downloaded = await downloader.EnsureBlobAsync(layout, revision.Commit, file.Path, metadata, fileProgress, ct);
            SnapshotWriter.Link(layout, revision.Commit, file.Path, metadata.Etag);
            progress.FileFinished(file.Path, fromCache: !downloaded);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            progress.FileFailed(file.Path);
            throw;
        }
    }

    /// <summary>The file's headers must agree with the revision we resolved, and its etag must be usable as a file name.</summary>
    private static void Check(RepoRevision revision, RepoFile file, FileMetadata metadata)
    {
        if (metadata.Commit is null)
            throw HubErrors.BadAnswer(revision.Repo, $"no {HubHeaders.RepoCommit} header for '{file.Path}'");
        if (!string.Equals(metadata.Commit, revision.Commit, StringComparison.OrdinalIgnoreCase))
            throw HubErrors.BadAnswer(revision.Repo, $"'{file.Path}' resolved to commit {metadata.Commit}, not {revision.Commit}");
        if (!SafeEtag().IsMatch(metadata.Etag))
            throw HubErrors.BadAnswer(revision.Repo, $"the etag '{metadata.Etag}' of '{file.Path}' cannot name a blob file");
        if (file.LfsSha256 is { } sha256 && !string.Equals(sha256, metadata.Etag, StringComparison.OrdinalIgnoreCase))
            throw HubErrors.BadAnswer(revision.Repo, $"'{file.Path}' is listed with sha256 {sha256} but its headers say {metadata.Etag}");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")] // No dots: no "..", no clash with *.incomplete or *.lock.
    private static partial Regex SafeEtag();
}
