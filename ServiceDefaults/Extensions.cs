using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Aspire ServiceDefaults, written here because the Aspire packages are not on our feed:
/// OpenTelemetry (OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, Prometheus scrape endpoint),
/// health endpoints, service discovery and resilience on every HttpClient.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    private const string LiveTag = "live";

    /// <summary>Meters and activity sources of our own code that every service exports.</summary>
    public static readonly string[] OwnTelemetrySources = ["Engine", "InferenceService", "Gateway", "ModelCacheService", "AdminDashboard"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(OwnTelemetrySources)
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(OwnTelemetrySources)
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx =>
                    !ctx.Request.Path.StartsWithSegments(HealthPath) && !ctx.Request.Path.StartsWithSegments(AlivePath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            builder.Services.AddOpenTelemetry().UseOtlpExporter();

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>/health (all checks, HealthChecks UI JSON), /alive (liveness only) and the OpenTelemetry metrics
    /// in Prometheus format at <paramref name="metricsPath"/> (/metrics unless the service serves its own there).
    /// <paramref name="showHealthDetails"/>: who sees each check's description and data (default: everyone); the others
    /// get the statuses only, with the same status code, so probes work the same for all.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, string metricsPath = "/metrics",
        Func<HttpContext, bool>? showHealthDetails = null)
    {
        Task WriteAsync(HttpContext context, HealthReport report) =>
            HealthReportJsonWriter.WriteAsync(context, report, showHealthDetails?.Invoke(context) ?? true);
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteAsync });
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(LiveTag),
            ResponseWriter = WriteAsync,
        });
        app.MapPrometheusScrapingEndpoint(metricsPath);
        return app;
    }
}
