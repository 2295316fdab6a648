namespace ServiceDefaults.Tests;

/// <summary>The OTLP reader the export tests rely on (tests/Shared/Telemetry), on a request the .NET OTLP exporter (1.20,
/// http/protobuf) really sent.</summary>
public sealed class OtlpPayloadTests
{
    /// <summary>One "GET /" server span of a service without OTEL_SERVICE_NAME; note the padded 4-byte length varints.</summary>
    private const string ExportTraceServiceRequest =
        "Cp6EgAAKmIGAAAolChJ0ZWxlbWV0cnkuc2RrLm5hbWUSDwoNb3BlbnRlbGVtZXRyeQoiChZ0ZWxlbWV0cnkuc2RrLmxhbmd1YWdlEggKBmRvdG5ldAohChV0ZWxl" +
        "bWV0cnkuc2RrLnZlcnNpb24SCAoGMS4yMC4xCigKDHNlcnZpY2UubmFtZRIYChZ1bmtub3duX3NlcnZpY2U6ZG90bmV0EtOCgAAKmICAAAoUTWljcm9zb2Z0LkFz" +
        "cE5ldENvcmUSABKzAgoQD+yN8usgmVIPJfciHvHdBBIIRp1ICYK3AXCFAQEBAAAqBUdFVCAvMAI5PLtZt8ms6hhBjGXxu8ms6hhKHAoTaHR0cC5yZXF1ZXN0Lm1l" +
        "dGhvZBIFCgNHRVRKHQoOc2VydmVyLmFkZHJlc3MSCwoJMTI3LjAuMC4xShIKC3NlcnZlci5wb3J0EgMYriJKJAoTdXNlcl9hZ2VudC5vcmlnaW5hbBINCgtjdXJs" +
        "LzcuODguMUoUCgp1cmwuc2NoZW1lEgYKBGh0dHBKDwoIdXJsLnBhdGgSAwoBL0ohChhuZXR3b3JrLnByb3RvY29sLnZlcnNpb24SBQoDMS4xShEKCmh0dHAucm91" +
        "dGUSAwoBL0ogChlodHRwLnJlc3BvbnNlLnN0YXR1c19jb2RlEgMYyAEaJ2h0dHBzOi8vb3BlbnRlbGVtZXRyeS5pby9zY2hlbWFzLzEuNDQuMA==";

    [Fact]
    public void Reads_the_spans_and_resource_of_a_real_export()
    {
        var body = Convert.FromBase64String(ExportTraceServiceRequest);

        var span = Assert.Single(OtlpPayload.Spans(body));
        Assert.Equal(new ExportedSpan("unknown_service:dotnet", null, "0fec8df2eb2099520f25f7221ef1dd04", "469d480982b70170", "", "GET /", span.Attributes), span);
        Assert.Equal("GET", span.Attributes["http.request.method"]);
        Assert.Equal("/", span.Attributes["url.path"]);
        Assert.Null(span.Attributes["server.port"]);   // an integer
        var resource = Assert.Single(OtlpPayload.Resources("traces", body));
        Assert.Equal(new ExportedResource("traces", "unknown_service:dotnet", null), resource);
    }
}
