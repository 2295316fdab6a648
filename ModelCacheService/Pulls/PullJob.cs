using System.Runtime.ExceptionServices;
using ModelCacheService.Api;
using ModelCacheService.Cache;
using ModelCacheService.Configuration;
using ModelCacheService.Hub;

namespace ModelCacheService.Pulls;

/// <summary>
/// One pull, like `huggingface-cli download`: resolve the revision to a commit and its files (those the pull's
/// <see cref="PullSelection"/> takes), prepare the
/// snapshot (folder, ref, manifest), then for each file (several at once) read its metadata, make sure its
/// blob is there (downloaded and verified if not) and link it into the snapshot. The first failure stops
/// the others; whatever is linked is complete, whatever is not stays out of the snapshot. Before any download the
/// model's size is checked against <see cref="DownloadSettings.MaxModelBytes"/> and what it still needs against the free
/// disk (<see cref="DownloadSettings.MinFreeDiskBytes"/> must stay free).
/// </summary>
public sealed class PullJob(HubClient hub, BlobDownloader downloader, CacheScanner scanner, DownloadSettings settings)
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

        revision = revision with { Files = progress.Selection.Apply(revision.Repo, revision.Revision, revision.Files) };
        progress.Resolved(revision.Commit, revision.Files.Select(f => (f.Path, f.Size)));
        CheckRoom(layout, revision);
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
            // A redirect without X-Linked-Size: the revision API's size bounds the download (else MaxModelBytes does).
            metadata = metadata with { Size = metadata.Size ?? file.Size };
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

    /// <summary>The file's headers must agree with the revision we resolved, and its etag must be a hash its content can be
    /// checked against (sha256, or a git sha1 of known size): nothing is stored unverified. (Hex digits only: the etag is
    /// also the blob's file name.)</summary>
    private static void Check(RepoRevision revision, RepoFile file, FileMetadata metadata)
    {
        if (metadata.Commit is null)
            throw HubErrors.BadAnswer(revision.Repo, $"no {HubHeaders.RepoCommit} header for '{file.Path}'");
        if (!string.Equals(metadata.Commit, revision.Commit, StringComparison.OrdinalIgnoreCase))
            throw HubErrors.BadAnswer(revision.Repo, $"'{file.Path}' resolved to commit {metadata.Commit}, not {revision.Commit}");
        if (!metadata.IsSha256 && !(metadata.IsGitSha1 && metadata.Size is not null))
            throw HubErrors.BadAnswer(revision.Repo, $"the etag '{metadata.Etag}' of '{file.Path}' is neither a sha256 nor a git sha1 of a known size, " +
                "so its content could not be verified");
        if (file.LfsSha256 is { } sha256 && !string.Equals(sha256, metadata.Etag, StringComparison.OrdinalIgnoreCase))
            throw HubErrors.BadAnswer(revision.Repo, $"'{file.Path}' is listed with sha256 {sha256} but its headers say {metadata.Etag}");
    }

    /// <summary>Refuses a model over the size limit, or one that would leave less than the floor free on the cache's volume.</summary>
    private void CheckRoom(RepoCacheLayout layout, RepoRevision revision)
    {
        var size = revision.Files.Sum(f => f.Size ?? 0);
        if (size > settings.MaxModelBytes)
            throw new PullFailedException(new ErrorDetail(
                $"{revision.Repo}@{revision.Revision} is {size} bytes, more than the {settings.MaxModelBytes} a pull may download (ModelCache__MaxModelBytes).",
                "insufficient_storage", null, "model_too_large"));
        var needed = revision.Files.Where(f => !SnapshotWriter.IsLinked(layout, revision.Commit, f.Path)).Sum(f => f.Size ?? 0);
        if (DiskUsage.FreeSpace(layout.CacheDirectory) is { } free && free - needed < settings.MinFreeDiskBytes)
            throw new PullFailedException(new ErrorDetail(
                $"{revision.Repo}@{revision.Revision} needs {needed} more bytes; the cache volume has {free} free and {settings.MinFreeDiskBytes} must stay " +
                "free (ModelCache__MinFreeDiskBytes). Delete models or make room first.", "insufficient_storage", null, "insufficient_storage"));
    }
}
