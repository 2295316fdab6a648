namespace ModelCacheService.Hub;

/// <summary>The part of the hub's model info JSON we read: {"sha","siblings":[{"rfilename","size","lfs":{"sha256","size"}}]}.</summary>
internal sealed record RevisionInfoJson(string? Sha, List<SiblingJson>? Siblings);

internal sealed record SiblingJson(string? Rfilename, long? Size, LfsJson? Lfs);

internal sealed record LfsJson(string? Sha256, long? Size);
