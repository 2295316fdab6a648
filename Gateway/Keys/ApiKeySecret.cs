using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Keys;

/// <summary>Makes API keys and ids, and hashes keys for storage and lookup.</summary>
public static class ApiKeySecret
{
    public const string Prefix = "sk-";

    /// <summary>A new key: "sk-" and 256 random bits in base64url.</summary>
    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string NewId() => "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>SHA-256 of the key's UTF-8 bytes, lowercase hex: the only form in which a key is stored.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Compares two hashes in time independent of where they differ.</summary>
    public static bool HashesEqual(string left, string right) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(left), Encoding.ASCII.GetBytes(right));
}
