using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Tls;

/// <summary>A certificate with its private key and intermediates, ready for TLS handshakes, and the file contents it came from.</summary>
public sealed class ServerCertificate(X509Certificate2 leaf, X509Certificate2Collection intermediates, string contentHash)
{
    public X509Certificate2 Leaf { get; } = leaf;

    // Offline: the chain is what the files hold, never fetched.
    public SslStreamCertificateContext Context { get; } = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);

    /// <summary>Tells whether the files changed since this certificate was read from them.</summary>
    public string ContentHash { get; } = contentHash;

    public string Describe() => $"{Leaf.Subject} (serial {Leaf.SerialNumber}, valid until {Leaf.NotAfter.ToUniversalTime():u})";
}
