namespace Gateway.Tls;

/// <summary>
/// Settings under "Gateway:Tls" (<c>Gateway__Tls__CertificatePath</c>, ...): the certificate of the gateway's https://
/// listeners, from files as Kubernetes mounts a TLS secret (PEM tls.crt + tls.key) or from a PFX, read again when they change.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>PEM certificate, followed by its intermediate certificates (sent to clients with it).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Unencrypted PEM private key of <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>PKCS#12 file holding the certificate, its private key and any intermediates (instead of the PEM pair).</summary>
    public string? PfxPath { get; set; }

    public string? PfxPassword { get; set; }

    /// <summary>How often the files are read to see whether the certificate changed.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Plain-HTTP requests are redirected (307) to the https:// listener, except probes and scrapes (/health, /alive, /metrics).</summary>
    public bool HttpsRedirect { get; set; }

    /// <summary>HTTPS responses carry Strict-Transport-Security (max-age 30 days).</summary>
    public bool Hsts { get; set; }

    public bool HasCertificate => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(PfxPath);
}
