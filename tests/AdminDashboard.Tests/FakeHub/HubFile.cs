using System.Security.Cryptography;
using System.Text;

namespace AdminDashboard.Tests.FakeHub;

/// <summary>
/// A file of the fake repository. Files over <see cref="LfsThreshold"/> bytes are "in Git LFS" like weights on the
/// real hub (etag = sha256 of the content, announced in X-Linked-Etag); the others are git files (etag = git blob sha1).
/// </summary>
public sealed class HubFile(string path, byte[] content)
{
    public const int LfsThreshold = 1024;

    public string Path { get; } = path;
    public byte[] Content { get; } = content;
    public bool IsLfs => Content.Length > LfsThreshold;
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(content));
    public string GitSha1 { get; } = GitBlobSha1(content);

    /// <summary>The etag huggingface_hub names the blob by.</summary>
    public string Etag => IsLfs ? Sha256 : GitSha1;

    /// <summary>git's object id of the content (`git hash-object`).</summary>
    public static string GitBlobSha1(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));
}
