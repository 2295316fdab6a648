namespace ModelCacheService.Hub;

/// <summary>
/// What a HEAD on resolve/{commit}/{file} says about a file (huggingface_hub's HfFileMetadata):
/// the commit (X-Repo-Commit), the etag that names its blob (X-Linked-Etag, else ETag: sha256 for
/// LFS files, git blob sha1 otherwise), its size (X-Linked-Size, else Content-Length) and where to
/// download it from (the CDN address of a redirect, else the resolve address itself).
/// </summary>
public sealed record FileMetadata(string? Commit, string Etag, long? Size, Uri Location)
{
    /// <summary>LFS etags are sha256 hex digests: their content can be verified.</summary>
    public bool IsSha256 => Etag.Length == 64 && Etag.All(char.IsAsciiHexDigit);

    /// <summary>Plain git files are named by their git blob sha1.</summary>
    public bool IsGitSha1 => Etag.Length == 40 && Etag.All(char.IsAsciiHexDigit);
}
