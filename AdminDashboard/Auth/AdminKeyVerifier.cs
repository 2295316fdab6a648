using System.Security.Cryptography;
using System.Text;
using AdminDashboard.Configuration;

namespace AdminDashboard.Auth;

/// <summary>Checks a presented admin key against Dashboard:AdminKey in constant time (both sides hashed to equal lengths).</summary>
public sealed class AdminKeyVerifier(DashboardOptions options)
{
    private readonly byte[]? _expected = string.IsNullOrEmpty(options.AdminKey) ? null : Hash(options.AdminKey);

    /// <summary>False while no admin key is configured: nobody can sign in.</summary>
    public bool IsConfigured => _expected is not null;

    public bool Verify(string? presented) =>
        _expected is not null && presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), _expected);

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
