using System.Security.Cryptography;
using System.Text;

namespace Tests.Shared;

/// <summary>
/// A file of a fake repository. Files over <see cref="LfsThreshold"/> bytes are stored "in Git LFS" like
/// weights on the real hub: their etag is the sha256 of the content and they are served by the CDN;
/// the others are plain git files whose etag is their git blob sha1.
/// </summary>
public sealed class HubFile(string path, byte[] content)
{
    public const int LfsThreshold = 1024;

    public string Path { get; } = path;
    public byte[] Content { get; } = content;
    public bool IsLfs => Content.Length > LfsThreshold;
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(content));
    public string GitSha1 { get; } = GitBlobHash.Of(content);

    /// <summary>What git stores for an LFS file; its git sha1 is the ETag the hub sends beside X-Linked-Etag.</summary>
    public string LfsPointer => $"version https://git-lfs.github.com/spec/v1\noid sha256:{Sha256}\nsize {Content.Length}\n";

    public string PointerGitSha1 => GitBlobHash.Of(Encoding.UTF8.GetBytes(LfsPointer));

    /// <summary>The blob name huggingface_hub gives the file in the cache.</summary>
    public string Etag => IsLfs ? Sha256 : GitSha1;
}
