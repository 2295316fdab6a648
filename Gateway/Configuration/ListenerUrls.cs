namespace Gateway.Configuration;

/// <summary>
/// Where the gateway listens: http://127.0.0.1:8000 (vLLM's port), plus https://127.0.0.1:8443 with a certificate
/// (<see cref="GatewayOptions.Tls"/>), unless ASPNETCORE_URLS, --urls, *_HTTP(S)_PORTS or Kestrel endpoints say otherwise;
/// plus <see cref="GatewayOptions.AdminUrls"/>, the admin listener, when set. An https:// listener needs the certificate,
/// and a certificate needs an https:// listener.
/// </summary>
public static class ListenerUrls
{
    public const string Default = "http://127.0.0.1:8000";
    public const string DefaultWithTls = Default + ";https://127.0.0.1:8443";

    public static void Apply(WebApplicationBuilder builder, GatewayOptions options)
    {
        var configuration = builder.Configuration;
        if (configuration.GetSection("Kestrel:Endpoints").Exists()) return;   // Kestrel's own endpoints list the admin one too
        var urls = configuration["urls"];
        var ports = Ports(configuration["http_ports"], "http").Concat(Ports(configuration["https_ports"], "https")).ToList();
        var publicUrls = !string.IsNullOrWhiteSpace(urls) ? urls
            : ports.Count > 0 ? string.Join(';', ports)
            : options.Tls.HasCertificate ? DefaultWithTls : Default;
        // The ports settings are replaced by the URLs they stand for, so that the admin URLs can be added to them.
        var all = string.IsNullOrWhiteSpace(options.AdminUrls) ? publicUrls : publicUrls + ";" + options.AdminUrls;
        var https = all.Split(';').Any(url => url.Trim().StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        if (https && !options.Tls.HasCertificate)
            throw new InvalidSettingException($"An https:// listener ({all}) needs a certificate: set {GatewayOptions.SectionName}:Tls:CertificatePath " +
                $"and {GatewayOptions.SectionName}:Tls:KeyPath, or {GatewayOptions.SectionName}:Tls:PfxPath.");
        if (!https && options.Tls.HasCertificate)
            throw new InvalidSettingException($"{GatewayOptions.SectionName}:Tls has a certificate but no listener is https:// ({all}); " +
                "add one to the URLs (e.g. --urls \"http://0.0.0.0:8000;https://0.0.0.0:8443\") or set https_ports.");
        builder.WebHost.UseUrls(all);
    }

    /// <summary>The ports of <see cref="GatewayOptions.AdminUrls"/> (empty without a separate admin listener).</summary>
    public static IReadOnlySet<int> AdminPorts(GatewayOptions options)
    {
        var ports = new HashSet<int>();
        foreach (var url in (options.AdminUrls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel's wildcard hosts (*, +) are not URI hosts.
            if (!Uri.TryCreate(url.Replace("://*", "://localhost").Replace("://+", "://localhost"), UriKind.Absolute, out var uri) || uri.Port <= 0)
                throw new InvalidOperationException($"Gateway:AdminUrls: '{url}' is not a URL with a port (e.g. http://127.0.0.1:8001).");
            ports.Add(uri.Port);
        }
        return ports;
    }

    private static IEnumerable<string> Ports(string? ports, string scheme) =>
        (ports ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(port => $"{scheme}://*:{port}");
}
