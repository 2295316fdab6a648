using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging;
using ModelCacheService.Api;
using ModelCacheService.Configuration;
using ModelCacheService.Hub;
using ModelCacheService.Pulls;
using Polly;
using Polly.Retry;

namespace ModelCacheService.Cache;

/// <summary>
/// Puts one file into blobs/{etag}: under the blob's lock, appends to blobs/{etag}.incomplete (resuming
/// what is there with a Range request, after a restart or a broken connection), hashes as it writes,
/// checks size and hash against the etag, and only then renames the file to its blob name, which is
/// atomic: a blob is either absent or complete and verified. A failed check deletes the partial file.
/// </summary>
public sealed class BlobDownloader
{
    private const int BufferSize = 1 << 16;
    private readonly HubClient _hub;
    private readonly BlobLocks _locks;
    private readonly DownloadSettings _settings;
    private readonly ResiliencePipeline _resume;

    public BlobDownloader(HubClient hub, BlobLocks locks, DownloadSettings settings, ILogger<BlobDownloader> log)
    {
        _hub = hub;
        _locks = locks;
        _settings = settings;
        // Resumes of a broken body, on top of the HttpClient's retries of failed requests.
        _resume = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<BrokenDownloadException>(),
            MaxRetryAttempts = settings.MaxRetries,
            Delay = settings.RetryBaseDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            OnRetry = args =>
            {
                log.LogWarning("Download interrupted ({Reason}); resuming, attempt {Attempt}", args.Outcome.Exception?.Message, args.AttemptNumber + 2);
                return default;
            },
        }).Build();
    }

    /// <summary>Makes blobs/{etag} exist, complete and verified; false when it already did (nothing downloaded).</summary>
    public async Task<bool> EnsureBlobAsync(RepoCacheLayout layout, string commit, string path, FileMetadata metadata,
        IDownloadProgress progress, CancellationToken ct)
    {
        var blob = layout.BlobPath(metadata.Etag);
        if (File.Exists(blob)) return false;
        await using var held = await _locks.AcquireAsync(layout.LockPath(metadata.Etag), ct);
        if (File.Exists(blob)) return false; // Published by another pull while we waited for the lock.

        Directory.CreateDirectory(layout.BlobsFolder);
        var incomplete = layout.IncompletePath(metadata.Etag);
        using var hasher = BlobHasher.For(metadata);
        ErrorDetail? failure;
        await using (var file = new FileStream(incomplete, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, BufferSize, FileOptions.Asynchronous))
        {
            if (metadata.Size is { } size && file.Length > size) file.SetLength(0); // Not a prefix of this file.
            var keptFromEarlierRun = file.Length > 0;
            await HashExistingAsync(file, hasher, ct);
            progress.Reset(file.Length);
            await DownloadAsync(layout.Repo, commit, path, metadata, file, hasher, progress, ct);
            failure = Verify(layout.Repo, path, metadata, file.Length, hasher);
            if (failure is not null && keptFromEarlierRun)
            {
                // The bytes an earlier run left (perhaps cut off before its own check) may be the bad ones: one clean download decides.
                StartOver(file, hasher, progress);
                await DownloadAsync(layout.Repo, commit, path, metadata, file, hasher, progress, ct);
                failure = Verify(layout.Repo, path, metadata, file.Length, hasher);
            }
            await file.FlushAsync(ct);
            file.Flush(flushToDisk: true); // Durable before it gets its final name.
        }

        if (failure is not null)
        {
            File.Delete(incomplete);
            throw new PullFailedException(failure);
        }
        File.Move(incomplete, blob, overwrite: true);
        return true;
    }

    /// <summary>Downloads what the file lacks, resuming after broken connections.</summary>
    private Task DownloadAsync(RepoId repo, string commit, string path, FileMetadata metadata, FileStream file,
        BlobHasher hasher, IDownloadProgress progress, CancellationToken ct) =>
        _resume.ExecuteAsync(async token => await DownloadRestAsync(repo, commit, path, metadata, file, hasher, progress, token), ct).AsTask();

    private async Task DownloadRestAsync(RepoId repo, string commit, string path, FileMetadata metadata, FileStream file,
        BlobHasher hasher, IDownloadProgress progress, CancellationToken ct)
    {
        var offset = file.Length;
        if (metadata.Size is { } expected && offset == expected) return;

        using var response = await _hub.OpenDownloadAsync(repo, commit, path, metadata.Location, offset, ct);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            StartOver(file, hasher, progress);
            throw new BrokenDownloadException($"the server refused to resume '{path}' at byte {offset}; starting over");
        }
        if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From != offset)
        {
            StartOver(file, hasher, progress);
            throw new BrokenDownloadException($"the server answered another range of '{path}' than byte {offset} on; starting over");
        }
        if (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent)
            StartOver(file, hasher, progress); // The server ignored Range and sends the whole file: take it from the start.

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                stall.CancelAfter(_settings.StallTimeout);
                var read = await ReadNetworkAsync(body, buffer, path, stall.Token, ct);
                if (read == 0) break;
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
                hasher.Append(buffer.AsSpan(0, read));
                progress.Advance(read);
                if (metadata.Size is { } size && file.Length > size)
                    throw new PullFailedException(SizeMismatch(repo, path, size, file.Length));
                if (file.Length > _settings.MaxModelBytes)
                    throw new PullFailedException(new ErrorDetail(
                        $"{repo}: '{path}' is past {_settings.MaxModelBytes} bytes (ModelCache__MaxModelBytes) and its size was never announced; the download was stopped.",
                        "insufficient_storage", null, "model_too_large"));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (metadata.Size is { } total && file.Length < total)
            throw new BrokenDownloadException($"'{path}' ended at byte {file.Length} of {total}");
    }

    /// <summary>Reads from the network; a cut, an error or a stall becomes a <see cref="BrokenDownloadException"/> (resumable).</summary>
    private async Task<int> ReadNetworkAsync(Stream body, byte[] buffer, string path, CancellationToken stallToken, CancellationToken ct)
    {
        try
        {
            return await body.ReadAsync(buffer.AsMemory(), stallToken);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new BrokenDownloadException($"no data for '{path}' during {_settings.StallTimeout.TotalSeconds:0.#} s", e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new BrokenDownloadException($"connection lost while downloading '{path}': {e.Message}", e);
        }
    }

    private static void StartOver(FileStream file, BlobHasher hasher, IDownloadProgress progress)
    {
        file.SetLength(0);
        file.Position = 0;
        hasher.Reset();
        progress.Reset(0);
    }

    private static async Task HashExistingAsync(FileStream file, BlobHasher hasher, CancellationToken ct)
    {
        file.Position = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await file.ReadAsync(buffer.AsMemory(), ct)) > 0) hasher.Append(buffer.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ErrorDetail? Verify(RepoId repo, string path, FileMetadata metadata, long length, BlobHasher hasher)
    {
        if (metadata.Size is { } size && length != size) return SizeMismatch(repo, path, size, length);
        var kind = hasher.Kind;
        var actual = hasher.Finish();
        if (actual is null || string.Equals(actual, metadata.Etag, StringComparison.OrdinalIgnoreCase)) return null;
        return new ErrorDetail(
            $"{repo}: '{path}' failed verification: its {kind} is {actual} but the hub announced {metadata.Etag.ToLowerInvariant()}. " +
            "The download was discarded (corrupted in transit or on the server); pull again.",
            "integrity_error", null, kind + "_mismatch");
    }

    private static ErrorDetail SizeMismatch(RepoId repo, string path, long expected, long actual) => new(
        $"{repo}: '{path}' has {actual} bytes but the hub announced {expected}. The download was discarded; pull again.",
        "integrity_error", null, "size_mismatch");
}
