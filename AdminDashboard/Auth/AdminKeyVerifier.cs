using System.Security.Cryptography;
using System.Text;
using AdminDashboard.Configuration;

namespace AdminDashboard.Auth;

/// <summary>
/// Checks a presented admin key against Dashboard:AdminKey in constant time (both sides hashed to equal lengths), and
/// counts wrong keys per client address: past <see cref="DashboardOptions.LoginFailuresPerMinute"/> an address is refused
/// whatever it presents until its budget has refilled.
/// </summary>
public sealed class AdminKeyVerifier(DashboardOptions options, TimeProvider time)
{
    private readonly byte[]? _expected = string.IsNullOrEmpty(options.AdminKey) ? null : Hash(options.AdminKey);
    private readonly FailedAttemptLimiter _failures = new(options.LoginFailuresPerMinute, time);

    /// <summary>False while no admin key is configured: nobody can sign in.</summary>
    public bool IsConfigured => _expected is not null;

    public bool Verify(string? presented) =>
        _expected is not null && presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), _expected);

    /// <summary>How long <paramref name="address"/> must wait before it may try again; null when it may try now.</summary>
    public TimeSpan? RetryAfter(string address) => _failures.RetryAfter(address);

    public void Failed(string address) => _failures.Failed(address);

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
