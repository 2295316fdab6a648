using ModelCacheService.Hub;

namespace ModelCacheService.Cache;

/// <summary>One repository found in the cache, its physical size (blobs) and its snapshots.</summary>
public sealed record CachedModel(RepoId Repo, string Path, long SizeOnDisk, long IncompleteBytes, IReadOnlyList<CachedRevision> Revisions);

/// <summary>One snapshot: its commit, the refs that point at it, its files and whether it is complete.</summary>
public sealed record CachedRevision(
    string Commit, IReadOnlyList<string> Refs, string SnapshotPath, IReadOnlyList<CachedFile> Files,
    long SizeOnDisk, bool Complete, IReadOnlyList<string> Missing);

/// <summary>A file of a snapshot: its repo path, size, the blob it links to, and whether that link is broken.</summary>
public sealed record CachedFile(string Name, long Size, string BlobPath, bool Broken);
