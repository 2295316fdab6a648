namespace ModelCacheService.Pulls;

/// <summary>The stages of a pull, as they appear in its "status".</summary>
public static class PullStatus
{
    public const string Queued = "queued";
    public const string Resolving = "resolving";
    public const string Downloading = "downloading";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static bool IsFinished(string status) => status is Completed or Failed;
}

/// <summary>The stages of one file of a pull.</summary>
public static class FileStatus
{
    public const string Pending = "pending";
    public const string Downloading = "downloading";
    public const string Downloaded = "downloaded";
    public const string Cached = "cached";
    public const string Failed = "failed";
}
