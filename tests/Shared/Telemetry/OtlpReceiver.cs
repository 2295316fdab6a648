using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;

namespace Tests.Shared;

/// <summary>
/// An OTLP/HTTP (protobuf) receiver on 127.0.0.1, in the role of the Aspire dashboard: accepts POST /v1/traces,
/// /v1/metrics and /v1/logs, answers 200 with an empty (valid) protobuf response, and keeps the paths it was sent
/// (in order), the spans and the exporting resources.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly ConcurrentQueue<string> _received = new();
    private readonly ConcurrentQueue<ExportedSpan> _spans = new();
    private readonly ConcurrentQueue<ExportedResource> _resources = new();
    private readonly ConcurrentQueue<string> _errors = new();

    public Uri Endpoint { get; }

    /// <summary>Paths of the export requests received so far, e.g. "/v1/metrics".</summary>
    public IReadOnlyCollection<string> Received => _received.ToArray();

    public IReadOnlyCollection<ExportedSpan> Spans => _spans.ToArray();

    public IReadOnlyCollection<ExportedResource> Resources => _resources.ToArray();

    /// <summary>Export requests that could not be read (for assertion messages).</summary>
    public IReadOnlyCollection<string> Errors => _errors.ToArray();

    private OtlpReceiver(HttpListener listener, Uri endpoint)
    {
        _listener = listener;
        Endpoint = endpoint;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public static OtlpReceiver Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var endpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(endpoint.ToString());
            try
            {
                listener.Start();
                return new OtlpReceiver(listener, endpoint);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close(); // The port was taken between asking and binding; try another.
            }
        }
    }

    /// <summary>Waits until a request to one of <paramref name="paths"/> arrives; true if one did in time.</summary>
    public Task<bool> WaitForAsync(TimeSpan timeout, params string[] paths) => WaitUntilAsync(() => Received.Any(paths.Contains), timeout);

    /// <summary>Waits until the spans satisfy <paramref name="condition"/>; true if they did in time.</summary>
    public Task<bool> WaitForSpansAsync(Func<IReadOnlyCollection<ExportedSpan>, bool> condition, TimeSpan timeout) =>
        WaitUntilAsync(() => condition(Spans), timeout);

    /// <summary>Waits until the exporting resources satisfy <paramref name="condition"/>; true if they did in time.</summary>
    public Task<bool> WaitForResourcesAsync(Func<IReadOnlyCollection<ExportedResource>, bool> condition, TimeSpan timeout) =>
        WaitUntilAsync(() => condition(Resources), timeout);

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(100);
        }
        return condition();
    }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // Stopped.
            }
            try
            {
                Answer(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                // The exporter gave up on this request; keep serving the next one.
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var path = context.Request.Url?.AbsolutePath ?? "";
        var signal = path switch { "/v1/traces" => "traces", "/v1/metrics" => "metrics", "/v1/logs" => "logs", _ => null };
        var body = ReadBody(context.Request);
        context.Response.StatusCode = 404;
        if (context.Request.HttpMethod == "POST" && signal is not null)
        {
            Record(signal, path, body, context.Request.ContentType);
            context.Response.StatusCode = 200;
        }
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength64 = 0;
        context.Response.Close();
    }

    private void Record(string signal, string path, byte[] body, string? contentType)
    {
        _received.Enqueue(path);
        try
        {
            foreach (var resource in OtlpPayload.Resources(signal, body)) _resources.Enqueue(resource);
            if (signal == "traces") foreach (var span in OtlpPayload.Spans(body)) _spans.Enqueue(span);
        }
        catch (Exception e) when (e is InvalidDataException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            _errors.Enqueue($"{path} ({contentType}, {body.Length} bytes): {e.Message}");
        }
    }

    private static byte[] ReadBody(HttpListenerRequest request)
    {
        using var buffer = new MemoryStream();
        using (var body = request.InputStream)
        {
            if (string.Equals(request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
                new GZipStream(body, CompressionMode.Decompress).CopyTo(buffer);
            else body.CopyTo(buffer);
        }
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
