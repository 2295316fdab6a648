namespace Tests.Shared;

/// <summary>A span as exported: its service (resource attributes), ids in lowercase hex, name, and attributes (string values;
/// null for values of other types).</summary>
public sealed record ExportedSpan(string? Service, string? ServiceInstance, string TraceId, string SpanId, string ParentSpanId, string Name,
    IReadOnlyDictionary<string, string?> Attributes);

/// <summary>The resource of one OTLP export (traces, metrics or logs).</summary>
public sealed record ExportedResource(string Signal, string? Service, string? ServiceInstance);

/// <summary>
/// Reads OTLP/HTTP protobuf export requests (opentelemetry-proto): ExportTraceServiceRequest
/// {1: ResourceSpans {1: Resource {1: KeyValue attributes}, 2: ScopeSpans {2: Span {1 trace_id, 2 span_id,
/// 4 parent_span_id, 5 name, 9 KeyValue attributes}}}}; metrics and logs share the resource part (field 1 of field 1).
/// </summary>
public static class OtlpPayload
{
    public static IEnumerable<ExportedResource> Resources(string signal, byte[] body)
    {
        var request = new ProtobufReader(body);
        while (request.Next(out var field, out var wire))
        {
            if (field != 1 || wire != 2) { request.Skip(wire); continue; }
            var (service, instance) = ResourceOf(request.ReadMessage());
            yield return new ExportedResource(signal, service, instance);
        }
    }

    public static IEnumerable<ExportedSpan> Spans(byte[] body)
    {
        var request = new ProtobufReader(body);
        while (request.Next(out var field, out var wire))
        {
            if (field != 1 || wire != 2) { request.Skip(wire); continue; }
            var resourceSpans = request.ReadMessage();
            string? service = null, instance = null;
            var spans = new List<(string, string, string, string, Dictionary<string, string?>)>();
            while (resourceSpans.Next(out var f, out var w))
            {
                if (f == 1 && w == 2) (service, instance) = Attributes(resourceSpans.ReadMessage());
                else if (f == 2 && w == 2) spans.AddRange(ScopeSpans(resourceSpans.ReadMessage()));
                else resourceSpans.Skip(w);
            }
            foreach (var (traceId, spanId, parentId, name, attributes) in spans)
                yield return new ExportedSpan(service, instance, traceId, spanId, parentId, name, attributes);
        }
    }

    private static (string? Service, string? Instance) ResourceOf(ProtobufReader resourceX)
    {
        while (resourceX.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2) return Attributes(resourceX.ReadMessage());
            resourceX.Skip(wire);
        }
        return (null, null);
    }

    /// <summary>service.name and service.instance.id of a Resource message.</summary>
    private static (string? Service, string? Instance) Attributes(ProtobufReader resource)
    {
        string? service = null, instance = null;
        while (resource.Next(out var field, out var wire))
        {
            if (field != 1 || wire != 2) { resource.Skip(wire); continue; }
            var (key, value) = KeyValue(resource.ReadMessage());
            if (key == "service.name") service = value;
            else if (key == "service.instance.id") instance = value;
        }
        return (service, instance);
    }

    private static (string? Key, string? StringValue) KeyValue(ProtobufReader keyValue)
    {
        string? key = null, value = null;
        while (keyValue.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2) key = keyValue.ReadString();
            else if (field == 2 && wire == 2)
            {
                var any = keyValue.ReadMessage();
                while (any.Next(out var f, out var w))
                    if (f == 1 && w == 2) value = any.ReadString();
                    else any.Skip(w);
            }
            else keyValue.Skip(wire);
        }
        return (key, value);
    }

    private static IEnumerable<(string TraceId, string SpanId, string ParentId, string Name, Dictionary<string, string?> Attributes)> ScopeSpans(
        ProtobufReader scopeSpans)
    {
        var spans = new List<(string, string, string, string, Dictionary<string, string?>)>();
        while (scopeSpans.Next(out var field, out var wire))
        {
            if (field != 2 || wire != 2) { scopeSpans.Skip(wire); continue; }
            var span = scopeSpans.ReadMessage();
            string traceId = "", spanId = "", parentId = "", name = "";
            var attributes = new Dictionary<string, string?>();
            while (span.Next(out var f, out var w))
            {
                switch (f)
                {
                    case 1 when w == 2: traceId = Convert.ToHexStringLower(span.ReadBytes()); break;
                    case 2 when w == 2: spanId = Convert.ToHexStringLower(span.ReadBytes()); break;
                    case 4 when w == 2: parentId = Convert.ToHexStringLower(span.ReadBytes()); break;
                    case 5 when w == 2: name = span.ReadString(); break;
                    case 9 when w == 2:
                        var (key, value) = KeyValue(span.ReadMessage());
                        if (key is not null) attributes[key] = value;
                        break;
                    default: span.Skip(w); break;
                }
            }
            spans.Add((traceId, spanId, parentId, name, attributes));
        }
        return spans;
    }
}
