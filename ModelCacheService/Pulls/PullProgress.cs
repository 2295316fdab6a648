using ModelCacheService.Api;
using ModelCacheService.Cache;
using ModelCacheService.Hub;

namespace ModelCacheService.Pulls;

/// <summary>
/// The live state of a pull run by this replica: the job reports into it from several download tasks,
/// the publisher takes <see cref="Snapshot"/>s of it for the store. All members are thread-safe.
/// </summary>
public sealed class PullProgress
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly List<FileEntry> _files = [];
    private readonly Dictionary<string, FileEntry> _byName = new(StringComparer.Ordinal);
    private readonly TransferRate _rate = new(RateWindow);
    private readonly long _createdAt;
    private long _transferred;
    private string _status = PullStatus.Queued;
    private string? _commit, _snapshotPath, _warning;
    private ErrorDetail? _error;
    private long? _finishedAt;

    public PullProgress(string id, RepoId repo, string revision, PullSelection selection, string replica, TimeProvider? time = null)
    {
        Id = id;
        Repo = repo;
        Revision = revision;
        Selection = selection;
        Replica = replica;
        _time = time ?? TimeProvider.System;
        _createdAt = _time.GetUtcNow().ToUnixTimeSeconds();
    }

    public string Id { get; }
    public RepoId Repo { get; }
    public string Revision { get; }
    public PullSelection Selection { get; }
    public string Replica { get; }

    public void Resolving() => Set(() => _status = PullStatus.Resolving);

    /// <summary>The hub (or the cache) named the commit and its files: sizes known so far are the totals.</summary>
    public void Resolved(string commit, IEnumerable<(string Path, long? Size)> files) => Set(() =>
    {
        _commit = commit;
        foreach (var (path, size) in files)
        {
            if (_byName.ContainsKey(path)) continue;
            var entry = new FileEntry(path) { Size = size };
            _files.Add(entry);
            _byName[path] = entry;
        }
        _status = PullStatus.Downloading;
    });

    /// <summary>A file starts downloading; its size is now known from the hub's headers.</summary>
    public IDownloadProgress StartFile(string path, long? size)
    {
        var entry = Entry(path);
        Set(() =>
        {
            entry.Size = size ?? entry.Size;
            entry.Status = FileStatus.Downloading;
        });
        return new FileHandle(this, entry);
    }

    public void FileFinished(string path, bool fromCache)
    {
        var entry = Entry(path);
        Set(() =>
        {
            entry.Status = fromCache ? FileStatus.Cached : FileStatus.Downloaded;
            if (entry.Size is { } size) entry.BytesDone = size;
        });
    }

    public void FileFailed(string path)
    {
        var entry = Entry(path);
        Set(() => entry.Status = FileStatus.Failed);
    }

    public void Completed(string snapshotPath, string? warning = null) => Set(() =>
    {
        _snapshotPath = snapshotPath;
        _warning = warning;
        _status = PullStatus.Completed;
        _finishedAt = _time.GetUtcNow().ToUnixTimeSeconds();
    });

    public void Failed(ErrorDetail error) => Set(() =>
    {
        _error = error;
        _status = PullStatus.Failed;
        _finishedAt = _time.GetUtcNow().ToUnixTimeSeconds();
    });

    public PullState Snapshot()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var finished = PullStatus.IsFinished(_status);
            var rate = finished ? 0 : _rate.Sample(now, _transferred);
            var done = _files.Sum(f => f.BytesDone);
            long? total = _files.Count > 0 && _files.All(f => f.Size is not null) ? _files.Sum(f => f.Size!.Value) : null;
            return new PullState
            {
                Id = Id,
                Model = Repo.ToString(),
                Revision = Revision,
                Include = Selection.Include,
                Gguf = Selection.Gguf,
                Commit = _commit,
                Status = _status,
                Files = _files.Select(f => new PullFileState(f.Name, f.Size, f.BytesDone, f.Status)).ToList(),
                FilesDone = _files.Count(f => f.Status is FileStatus.Downloaded or FileStatus.Cached),
                FilesTotal = _files.Count,
                BytesDone = done,
                BytesTotal = total,
                RateBytesPerSecond = Math.Round(rate, 1),
                EtaSeconds = finished ? 0 : rate > 0 && total is { } t ? Math.Round(Math.Max(0, t - done) / rate, 1) : null,
                SnapshotPath = _snapshotPath,
                Warning = _warning,
                Error = _error,
                Replica = Replica,
                CreatedAt = _createdAt,
                UpdatedAt = now.ToUnixTimeSeconds(),
                FinishedAt = _finishedAt,
            };
        }
    }

    private FileEntry Entry(string path)
    {
        lock (_lock) return _byName[path];
    }

    private void Set(Action change)
    {
        lock (_lock) change();
    }

    private sealed class FileEntry(string name)
    {
        public string Name { get; } = name;
        public long? Size { get; set; }
        public long BytesDone { get; set; }
        public string Status { get; set; } = FileStatus.Pending;
    }

    private sealed class FileHandle(PullProgress owner, FileEntry entry) : IDownloadProgress
    {
        public void Reset(long bytesOnDisk)
        {
            lock (owner._lock) entry.BytesDone = bytesOnDisk;
        }

        public void Advance(int bytes)
        {
            lock (owner._lock)
            {
                entry.BytesDone += bytes;
                owner._transferred += bytes;
            }
        }
    }
}
