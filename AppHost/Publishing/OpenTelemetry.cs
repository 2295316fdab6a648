namespace AppHost.Publishing;

/// <summary>The OpenTelemetry variables a deployed project gets (Aspire sets them itself only in local runs): its
/// service name, and where to export, which the deployment's settings decide (empty: no export).</summary>
public static class OpenTelemetry
{
    public const string ServiceName = "OTEL_SERVICE_NAME";
    public const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string Protocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string DefaultProtocol = "grpc";
}
