using System.Security.Cryptography;
using System.Text;

namespace Tests.Shared;

/// <summary>git's object id of a file (`git hash-object`): sha1 of "blob {size}\0" followed by the content.</summary>
public static class GitBlobHash
{
    public static string Of(byte[] content)
    {
        var header = Encoding.ASCII.GetBytes($"blob {content.Length}\0");
        return Convert.ToHexStringLower(SHA1.HashData([.. header, .. content]));
    }
}
