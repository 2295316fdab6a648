using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Routing;

/// <summary>
/// The JSON body of a proxied request (an HttpContext feature), parsed once with the gateway's one set of rules: a JSON
/// object, no comments, no trailing commas, no duplicate keys (a replica might read another duplicate than the gateway
/// did). The gateway reads the model, stream and stream_options.include_usage from it, and may change it before it is
/// forwarded (include_usage added, priority stripped or clamped): then the changed object is what is sent.
/// </summary>
public sealed class RequestBody : IDisposable
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    private readonly JsonDocument _document;
    private readonly byte[] _bytes;
    private JsonObject? _changed;

    private RequestBody(JsonDocument document, byte[] bytes) => (_document, _bytes) = (document, bytes);

    /// <summary>
    /// Reads the body of a request that carries JSON (POST, PUT or PATCH, anything but multipart, which is passed on unread;
    /// curl -d even labels JSON as a form), or null for one that does not. Bodies over <paramref name="limit"/> are a 413.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (!(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))) return null;
        if (request.ContentLength == 0 || request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true) return null;
        if (request.ContentLength > limit)
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        // Kestrel enforces the same limit on bodies without a Content-Length while they are read.
        using var buffer = new MemoryStream((int)(request.ContentLength ?? 4096));
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>The body, or null with the reason it is refused (a 400).</summary>
    public static (RequestBody? Body, string? Error) Parse(byte[] bytes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, Strict);
        }
        catch (JsonException error)
        {
            return (null, $"The request body is not valid JSON: {error.Message}");
        }
        if (document.RootElement.ValueKind == JsonValueKind.Object) return (new RequestBody(document, bytes), null);
        document.Dispose();
        return (null, "The request body must be a JSON object.");
    }

    /// <summary>The body as the client sent it.</summary>
    public JsonElement Root => _document.RootElement;

    public string? Model => Root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null;

    public bool Stream => Root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;

    public bool IncludeUsage =>
        Root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object &&
        options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True;

    /// <summary>Sets <c>stream_options.include_usage = true</c> (to meter the tokens of a stream that did not ask for usage).</summary>
    public void AddIncludeUsage()
    {
        var root = Changed();
        if (root["stream_options"] is not JsonObject options)
        {
            options = new JsonObject();
            root["stream_options"] = options;
        }
        options["include_usage"] = true;
    }

    /// <summary>Replaces (or, with null, removes) a top-level field.</summary>
    public void Set(string name, JsonNode? value)
    {
        if (value is null) Changed().Remove(name);
        else Changed()[name] = value;
    }

    /// <summary>Makes the request forward this body (as received, or the changed object), seekable so that a retry on
    /// another replica can send it again, and labelled as the JSON it is.</summary>
    public void Forward(HttpRequest request)
    {
        var bytes = _changed is null ? _bytes : JsonSerializer.SerializeToUtf8Bytes(_changed);
        request.Body = new MemoryStream(bytes, writable: false);
        request.Headers.Remove("Transfer-Encoding");
        request.ContentLength = bytes.Length;
        request.ContentType = "application/json";
    }

    private JsonObject Changed() => _changed ??= JsonObject.Create(Root)!;

    public void Dispose() => _document.Dispose();
}
