using System.Security.Cryptography;

namespace ModelCacheService.Tests.Infrastructure;

/// <summary>
/// What huggingface_hub's documented cache layout must contain for a file, computed here from the test data
/// alone: the blob name is the sha256 of the content for LFS files and the git blob sha1 otherwise.
/// </summary>
public static class ExpectedCache
{
    public const string StoriesFolder = "models--karpathy--stories260K";

    public static string BlobName(byte[] content) =>
        content.Length > HubFile.LfsThreshold ? Convert.ToHexStringLower(SHA256.HashData(content)) : GitBlobHash.Of(content);

    public static string RepoFolder(string cacheDirectory) => Path.Combine(cacheDirectory, StoriesFolder);

    public static string Snapshot(string cacheDirectory, string commit) => Path.Combine(RepoFolder(cacheDirectory), "snapshots", commit);

    public static string Blobs(string cacheDirectory) => Path.Combine(RepoFolder(cacheDirectory), "blobs");
}
