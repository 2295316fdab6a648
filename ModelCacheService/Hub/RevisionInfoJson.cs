namespace ModelCacheService.Hub;

/// <summary>The part of the hub's model info JSON we read: {"id","sha","siblings":[{"rfilename","size","blobId","lfs":{"sha256","size"}}]}.</summary>
internal sealed record RevisionInfoJson(string? Id, string? Sha, List<SiblingJson>? Siblings);

internal sealed record SiblingJson(string? Rfilename, long? Size, string? BlobId, LfsJson? Lfs);

internal sealed record LfsJson(string? Sha256, long? Size);
