namespace Gateway.Configuration;

/// <summary>
/// Where the gateway listens: http://127.0.0.1:8000 (vLLM's port) unless ASPNETCORE_URLS, --urls, *_HTTP_PORTS or Kestrel
/// endpoints say otherwise; plus <see cref="GatewayOptions.AdminUrls"/>, the admin listener, when set.
/// </summary>
public static class ListenerUrls
{
    public const string Default = "http://127.0.0.1:8000";

    public static void Apply(WebApplicationBuilder builder, GatewayOptions options)
    {
        var configuration = builder.Configuration;
        if (configuration.GetSection("Kestrel:Endpoints").Exists()) return;   // Kestrel's own endpoints list the admin one too
        var urls = configuration["urls"];
        var publicUrls = !string.IsNullOrWhiteSpace(urls) ? urls
            : !string.IsNullOrWhiteSpace(configuration["http_ports"]) || !string.IsNullOrWhiteSpace(configuration["https_ports"]) ? null
            : Default;
        if (string.IsNullOrWhiteSpace(options.AdminUrls))
        {
            if (publicUrls == Default) builder.WebHost.UseUrls(Default);
            return;
        }
        // The ports settings are replaced by the URLs they stand for, so that the admin URLs can be added to them.
        publicUrls ??= string.Join(';', Ports(configuration["http_ports"], "http").Concat(Ports(configuration["https_ports"], "https")));
        builder.WebHost.UseUrls(publicUrls + ";" + options.AdminUrls);
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
