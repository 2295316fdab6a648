namespace ModelCacheService.Hub;

/// <summary>
/// One file of a repository at a commit, as the revision API lists it ("siblings" with ?blobs=true):
/// its path, size and, for files stored in Git LFS, the sha256 of the content.
/// </summary>
public sealed record RepoFile(string Path, long? Size, string? LfsSha256)
{
    /// <summary>
    /// Paths come from the network and become paths under snapshots/: relative, forward slashes,
    /// no empty, "." or ".." segment.
    /// </summary>
    public static bool IsSafePath(string path) =>
        path.Length is > 0 and <= 1024
        && !path.StartsWith('/') && !path.Contains('\\') && !path.Contains('\0')
        && path.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");
}
