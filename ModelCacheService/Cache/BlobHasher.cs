using System.Security.Cryptography;
using System.Text;
using ModelCacheService.Hub;

namespace ModelCacheService.Cache;

/// <summary>
/// Hashes a blob while it is written, the way the hub computed its etag: sha256 of the content for LFS
/// files, git's blob sha1 (sha1 of "blob {size}\0" + content) for plain git files. Files whose etag is
/// neither, or git files of unknown size, cannot be checked (the hub promised nothing we can verify).
/// </summary>
public sealed class BlobHasher : IDisposable
{
    private readonly HashAlgorithmName? _algorithm;
    private readonly long? _gitSize;
    private IncrementalHash? _hash;

    private BlobHasher(HashAlgorithmName? algorithm, long? gitSize)
    {
        _algorithm = algorithm;
        _gitSize = gitSize;
        Reset();
    }

    public static BlobHasher For(FileMetadata metadata) =>
        metadata.IsSha256 ? new BlobHasher(HashAlgorithmName.SHA256, null)
        : metadata.IsGitSha1 && metadata.Size is { } size ? new BlobHasher(HashAlgorithmName.SHA1, size)
        : new BlobHasher(null, null);

    /// <summary>"sha256", "sha1" (git blob), or null when the content cannot be checked.</summary>
    public string? Kind => _algorithm == HashAlgorithmName.SHA256 ? "sha256" : _algorithm == HashAlgorithmName.SHA1 ? "sha1" : null;

    /// <summary>Starts over (the server sent the whole file again instead of the requested range).</summary>
    public void Reset()
    {
        _hash?.Dispose();
        _hash = _algorithm is { } algorithm ? IncrementalHash.CreateHash(algorithm) : null;
        if (_hash is not null && _gitSize is { } size) _hash.AppendData(Encoding.ASCII.GetBytes($"blob {size}\0"));
    }

    public void Append(ReadOnlySpan<byte> data) => _hash?.AppendData(data);

    /// <summary>Lower-case hex digest of everything appended, or null when not checkable.</summary>
    public string? Finish() => _hash is null ? null : Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash?.Dispose();
}
