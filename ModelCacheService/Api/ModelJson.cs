using System.Text.Json.Nodes;
using ModelCacheService.Cache;

namespace ModelCacheService.Api;

/// <summary>A cached model in GET /api/models.</summary>
public sealed record ModelListItem(
    string Id, string Object, string Path, long SizeOnDisk, long IncompleteBytes, bool Complete, IReadOnlyList<RevisionJson> Revisions)
{
    public static ModelListItem From(CachedModel model) => new(
        model.Repo.ToString(), "model", model.Path, model.SizeOnDisk, model.IncompleteBytes,
        model.Revisions.Any(r => r.Complete), model.Revisions.Select(RevisionJson.From).ToList());
}

/// <summary>One snapshot of a cached model: refs (branches, tags) pointing at it, commit, size, file count, completeness.</summary>
public sealed record RevisionJson(
    string Commit, IReadOnlyList<string> Refs, string SnapshotPath, int Files, long SizeOnDisk, bool Complete, IReadOnlyList<string> Missing)
{
    public static RevisionJson From(CachedRevision revision) => new(
        revision.Commit, revision.Refs, revision.SnapshotPath, revision.Files.Count, revision.SizeOnDisk, revision.Complete, revision.Missing);
}

/// <summary>GET /api/models/{org}/{name}: where the engine loads it from, and what it is.</summary>
public sealed record ModelInfo(
    string Id, string Object, string Revision, string Commit, IReadOnlyList<string> Refs, string SnapshotPath, bool Complete,
    IReadOnlyList<string> Missing, long SizeOnDisk, IReadOnlyList<FileJson> Files, JsonObject? Config)
{
    public static ModelInfo From(string id, string revision, CachedRevision cached) => new(
        id, "model", revision, cached.Commit, cached.Refs, cached.SnapshotPath, cached.Complete, cached.Missing, cached.SizeOnDisk,
        cached.Files.Select(f => new FileJson(f.Name, f.Size, System.IO.Path.GetFileName(f.BlobPath), f.Broken)).ToList(),
        ModelConfigSummary.Read(cached.SnapshotPath));
}

/// <summary>A snapshot file: repo path, size, blob name (the etag) and whether its blob is missing.</summary>
public sealed record FileJson(string Name, long Size, string Blob, bool Broken);
