using Microsoft.Extensions.Configuration;

namespace AppHost.Hosting;

/// <summary>Where the services send telemetry when run locally; null when no OTLP endpoint is configured.</summary>
public sealed record OtlpSettings(string Endpoint, string? Protocol, string? Headers)
{
    public static OtlpSettings? From(IConfiguration configuration)
    {
        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? configuration["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"];
        return string.IsNullOrWhiteSpace(endpoint) ? null
            : new OtlpSettings(endpoint.Trim(), configuration["OTEL_EXPORTER_OTLP_PROTOCOL"], configuration["OTEL_EXPORTER_OTLP_HEADERS"]);
    }
}
