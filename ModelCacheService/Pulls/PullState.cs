using System.Text.Json.Serialization;
using ModelCacheService.Api;

namespace ModelCacheService.Pulls;

/// <summary>
/// What a pull looks like from outside (GET /api/models/pull/{id}, the events, the shared store).
/// Times are Unix seconds; sizes are bytes; <see cref="BytesTotal"/> is null until the file sizes are known.
/// </summary>
public sealed record PullState
{
    public required string Id { get; init; }
    public string Object { get; init; } = "model.pull";
    public required string Model { get; init; }
    public required string Revision { get; init; }

    /// <summary>The pull's choice of files as asked (<see cref="PullSelection"/>); both null: every file.</summary>
    public IReadOnlyList<string>? Include { get; init; }
    public string? Gguf { get; init; }
    public string? Commit { get; init; }
    public required string Status { get; init; }
    public IReadOnlyList<PullFileState> Files { get; init; } = [];
    public int FilesDone { get; init; }
    public int FilesTotal { get; init; }
    public long BytesDone { get; init; }
    public long? BytesTotal { get; init; }
    public double RateBytesPerSecond { get; init; }
    public double? EtaSeconds { get; init; }
    public string? SnapshotPath { get; init; }
    public string? Warning { get; init; }
    public ErrorDetail? Error { get; init; }
    public required string Replica { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public long? FinishedAt { get; init; }

    [JsonIgnore]
    public bool IsFinished => PullStatus.IsFinished(Status);
}

/// <summary>One file of a pull: its size (null while unknown), the bytes it has, and its stage.</summary>
public sealed record PullFileState(string Name, long? Size, long BytesDone, string Status);
