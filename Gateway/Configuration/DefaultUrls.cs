namespace Gateway.Configuration;

/// <summary>Listens on http://127.0.0.1:8000 (vLLM's port) unless ASPNETCORE_URLS, --urls, *_HTTP_PORTS or Kestrel endpoints say otherwise.</summary>
public static class DefaultUrls
{
    public const string Url = "http://127.0.0.1:8000";

    public static void Apply(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var configured = !string.IsNullOrWhiteSpace(configuration["urls"]) ||
                         !string.IsNullOrWhiteSpace(configuration["http_ports"]) ||
                         !string.IsNullOrWhiteSpace(configuration["https_ports"]) ||
                         configuration.GetSection("Kestrel:Endpoints").Exists();
        if (!configured) builder.WebHost.UseUrls(Url);
    }
}
