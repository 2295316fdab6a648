using Gateway.Observability;

namespace Gateway.Tls;

/// <summary>HTTPS on the gateway's https:// listeners with the certificate of <see cref="TlsOptions"/>, and the optional redirect and HSTS.</summary>
public static class GatewayTls
{
    public static void AddGatewayTls(this WebApplicationBuilder builder, TlsOptions options)
    {
        if (CertificateFiles.Of(options) is not { } files) return;
        var initial = files.Load();   // a bad certificate stops the gateway here, before it listens
        builder.Services.AddSingleton(sp => new ReloadingCertificate(files, initial, options, sp.GetRequiredService<ILogger<ReloadingCertificate>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReloadingCertificate>());
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            var certificate = kestrel.ApplicationServices.GetRequiredService<ReloadingCertificate>();
            // Kestrel wants a certificate or a selector; the handshake then takes the current one with its intermediates.
            https.ServerCertificateSelector = (_, _) => certificate.Current.Leaf;
            https.OnAuthenticate = (_, ssl) =>
            {
                ssl.ServerCertificateSelectionCallback = null;
                ssl.ServerCertificateContext = certificate.Current.Context;
            };
        }));
        // The operator asked for HSTS: localhost, which ASP.NET leaves out by default, gets it too.
        if (options.Hsts) builder.Services.AddHsts(hsts => hsts.ExcludedHosts.Clear());
    }

    public static void UseGatewayTls(this WebApplication app, TlsOptions options)
    {
        // Probes and scrapes keep plain HTTP: kubelet and Prometheus reach the pod's http port.
        if (options.HttpsRedirect) app.UseWhen(context => !RouteNames.IsProbe(context.Request.Path), https => https.UseHttpsRedirection());
        if (options.Hsts) app.UseHsts();
    }
}
