using Tests.Shared;

namespace ServiceDefaults.Tests;

/// <summary>With OTEL_EXPORTER_OTLP_ENDPOINT set, a service exports telemetry over OTLP/HTTP (protobuf).</summary>
public sealed class OtlpExportTests
{
    [Theory]
    [InlineData("Gateway")]
    [InlineData("ModelCacheService")]
    [InlineData("AdminDashboard")]
    public async Task Service_exports_traces_or_metrics_to_the_OTLP_endpoint(string project)
    {
        await using var receiver = OtlpReceiver.Start();
        await using var service = await ServiceProcess.StartAsync(project, new ServiceOptions
        {
            Environment = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
                ["OTEL_SERVICE_NAME"] = project,
            },
        });

        using (await service.Http.GetAsync("/")) { } // A traced request (health probes are filtered out).

        var exported = await receiver.WaitForAsync(TimeSpan.FromSeconds(15), "/v1/traces", "/v1/metrics");
        Assert.True(exported,
            $"No OTLP export reached {receiver.Endpoint} within 15 s (received: [{string.Join(", ", receiver.Received)}]).\n" +
            service.Process.Describe());
    }
}
