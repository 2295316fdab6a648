using Gateway.Configuration;

namespace Gateway.Tls;

/// <summary>
/// The certificate every new TLS handshake gets, read again from its files every <see cref="TlsOptions.ReloadInterval"/>.
/// Contents are compared rather than file times: Kubernetes updates a mounted secret by swapping a symlink to a new
/// directory. A pair that does not load (a certificate already written, its key not yet) leaves the old certificate in
/// place until the files load together.
/// </summary>
public sealed class ReloadingCertificate(CertificateFiles files, ServerCertificate initial, TlsOptions options, ILogger<ReloadingCertificate> logger)
    : BackgroundService
{
    private volatile ServerCertificate _current = initial;
    private string _lastTried = initial.ContentHash;

    public ServerCertificate Current => _current;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("TLS certificate {Certificate}", _current.Describe());
        using var timer = new PeriodicTimer(options.ReloadInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken)) Reload();
    }

    private void Reload()
    {
        try
        {
            var hash = files.ContentHash();
            if (hash == _lastTried) return;
            _lastTried = hash;
            var loaded = files.Load();
            _current = loaded;
            logger.LogInformation("TLS certificate reloaded: {Certificate}", loaded.Describe());
        }
        catch (InvalidSettingException e)
        {
            logger.LogWarning("TLS certificate files changed but do not load (yet); keeping {Certificate}: {Problem}", _current.Describe(), e.Message);
        }
    }
}
