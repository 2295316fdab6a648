using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gateway.Configuration;

namespace Gateway.Tls;

/// <summary>
/// Reads the certificate the TLS settings name: a PEM certificate (plus intermediates) and key, or a PFX. Every failure is an
/// <see cref="InvalidSettingException"/> naming the setting at fault.
/// </summary>
public sealed class CertificateFiles
{
    private const string Section = $"{GatewayOptions.SectionName}:Tls";
    private readonly TlsOptions _options;

    private CertificateFiles(TlsOptions options) => _options = options;

    /// <summary>The files of <paramref name="options"/>, once the settings are a coherent set; null without a certificate.</summary>
    public static CertificateFiles? Of(TlsOptions options)
    {
        bool pem = !string.IsNullOrWhiteSpace(options.CertificatePath), pfx = !string.IsNullOrWhiteSpace(options.PfxPath);
        if (pem && pfx) throw Invalid("CertificatePath", $"set, and so is {Section}:PfxPath: give one certificate, PEM or PFX");
        if (pem && string.IsNullOrWhiteSpace(options.KeyPath)) throw Invalid("KeyPath", $"missing; the PEM private key of {Section}:CertificatePath is needed");
        if (!pem && !string.IsNullOrWhiteSpace(options.KeyPath)) throw Invalid("KeyPath", $"set without {Section}:CertificatePath");
        if (!pfx && !string.IsNullOrEmpty(options.PfxPassword)) throw Invalid("PfxPassword", $"set without {Section}:PfxPath");
        if (!pem && !pfx && (options.HttpsRedirect || options.Hsts))
            throw Invalid(options.HttpsRedirect ? "HttpsRedirect" : "Hsts", $"needs a certificate ({Section}:CertificatePath and {Section}:KeyPath, or {Section}:PfxPath)");
        if (options.ReloadInterval <= TimeSpan.Zero) throw Invalid("ReloadInterval", $"must be positive (got {options.ReloadInterval})");
        return pem || pfx ? new CertificateFiles(options) : null;
    }

    public ServerCertificate Load()
    {
        var files = ReadFiles();
        return IsPfx ? FromPfx(files[0], Hash(files)) : FromPem(files[0], files[1], Hash(files));
    }

    /// <summary>The hash of the files' contents as <see cref="ServerCertificate.ContentHash"/> has it (they may be in the middle of a change).</summary>
    public string ContentHash() => Hash(ReadFiles());

    private bool IsPfx => !string.IsNullOrWhiteSpace(_options.PfxPath);

    private byte[][] ReadFiles() => IsPfx
        ? [Read("PfxPath", _options.PfxPath!)]
        : [Read("CertificatePath", _options.CertificatePath!), Read("KeyPath", _options.KeyPath!)];

    private ServerCertificate FromPem(byte[] certificateFile, byte[] keyFile, string hash)
    {
        string certificatePem = Encoding.UTF8.GetString(certificateFile), keyPem = Encoding.UTF8.GetString(keyFile);
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(certificatePem);
        }
        catch (CryptographicException e)
        {
            throw Invalid("CertificatePath", $"'{_options.CertificatePath}' is not a readable PEM certificate: {e.Message}", e);
        }
        if (chain.Count == 0) throw Invalid("CertificatePath", $"'{_options.CertificatePath}' holds no PEM certificate");
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw Invalid("KeyPath", $"'{_options.KeyPath}' holds no private key of the certificate in '{_options.CertificatePath}': {e.Message}", e);
        }
        chain.RemoveAt(0);
        return new ServerCertificate(leaf, chain, hash);
    }

    private ServerCertificate FromPfx(byte[] pfx, string hash)
    {
        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(pfx, _options.PfxPassword);
        }
        catch (CryptographicException e)
        {
            throw Invalid("PfxPassword", $"does not open '{_options.PfxPath}' ({Section}:PfxPath), or that is no PFX: {e.Message}", e);
        }
        var leaf = all.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw Invalid("PfxPath", $"'{_options.PfxPath}' holds no certificate with its private key");
        all.Remove(leaf);
        return new ServerCertificate(leaf, all, hash);
    }

    private static byte[] Read(string setting, string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Invalid(setting, $"'{path}' cannot be read: {e.Message}", e);
        }
    }

    private static string Hash(byte[][] files) => Convert.ToHexString(SHA256.HashData([.. files.SelectMany(file => file)]));

    private static InvalidSettingException Invalid(string setting, string problem, Exception? inner = null) =>
        new($"{Section}:{setting}: {problem}", inner);
}
