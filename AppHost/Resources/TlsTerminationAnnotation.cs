namespace AppHost.Resources;

/// <summary>
/// A service that can serve HTTPS itself from a PEM certificate and key in files, reloaded when they change (the gateway):
/// the Helm chart can mount a kubernetes.io/tls Secret for it and open an https port. <see cref="SettingsPrefix"/> is the
/// stem of its TLS settings' environment variables (<c>Gateway__Tls</c>: <c>Gateway__Tls__CertificatePath</c>, <c>__KeyPath</c>,
/// <c>__HttpsRedirect</c>, <c>__Hsts</c>).
/// </summary>
public sealed record TlsTerminationAnnotation(string SettingsPrefix) : IResourceAnnotation;
