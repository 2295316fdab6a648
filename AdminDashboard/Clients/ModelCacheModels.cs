using System.Text.Json.Nodes;

namespace AdminDashboard.Clients;

// The JSON of ModelCacheService's REST API (snake_case), as far as the dashboard reads it.

/// <summary>A cached model in GET /api/models.</summary>
public sealed record CachedModel(string Id, string? Path, long SizeOnDisk, long IncompleteBytes, bool Complete, List<CachedRevision>? Revisions);

/// <summary>A snapshot of a cached model: the refs (branches, tags) pointing at it, its commit, its file count and whether it is complete.</summary>
public sealed record CachedRevision(string Commit, List<string>? Refs, int Files, bool Complete);

/// <summary>GET /api/models/{org}/{name}: one snapshot's folder, its files and a summary of its config.json.</summary>
public sealed record ModelDetails(string? SnapshotPath, List<ModelFile>? Files, JsonObject? Config);

public sealed record ModelFile(string Name, long Size, string? Blob, bool Broken);

/// <summary>A file of a repo on the hub (GET /api/models/{org}/{name}/files).</summary>
public sealed record RepoFile(string Path, long? Size);

/// <summary>A pull (POST /api/models/pull's answer, GET /api/models/pull/{id} and each event of its stream).</summary>
public sealed record PullState
{
    public required string Id { get; init; }
    public required string Model { get; init; }
    public string? Revision { get; init; }
    /// <summary>The .gguf file or quantization tag the pull was limited to; null: every file.</summary>
    public string? Gguf { get; init; }
    public string? Commit { get; init; }
    public required string Status { get; init; }
    public int FilesDone { get; init; }
    public int FilesTotal { get; init; }
    public long BytesDone { get; init; }
    public long? BytesTotal { get; init; }
    public double RateBytesPerSecond { get; init; }
    public double? EtaSeconds { get; init; }
    public string? Warning { get; init; }
    public PullError? Error { get; init; }
    public long CreatedAt { get; init; }

    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public bool IsFinished => Status is Completed or Failed or Cancelled;

    /// <summary>0–100 from the bytes (100 once completed); null while the total is unknown.</summary>
    public double? Percent => Status == Completed ? 100
        : BytesTotal is > 0 ? Math.Clamp(100.0 * BytesDone / BytesTotal.Value, 0, 100)
        : null;
}

public sealed record PullError(string? Message);
