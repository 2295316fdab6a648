namespace ModelCacheService.Hub;

/// <summary>Branch, tag or commit names accepted for a pull; they become URL segments and refs/ paths.</summary>
public static class RevisionName
{
    public const string Default = "main";

    /// <summary>A full commit hash (40 hex digits), as opposed to a branch or tag.</summary>
    public static bool IsCommitHash(string revision) =>
        revision.Length == 40 && revision.All(char.IsAsciiHexDigitLower);

    /// <summary>
    /// Letters, digits, '.', '_', '-' and '/' (refs/pr/1), no empty or ".." segment, at most 256 characters:
    /// the name is also a relative path under refs/, so it must never climb out of it.
    /// </summary>
    public static bool IsValid(string? revision) =>
        revision is { Length: > 0 and <= 256 }
        && revision.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/')
        && revision.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");
}
