using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;

namespace AppHost.Tests.Infrastructure;

/// <summary>
/// An OTLP/HTTP (protobuf) receiver on 127.0.0.1, in the role of the Aspire dashboard: accepts POST
/// /v1/traces, /v1/metrics and /v1/logs, answers 200, and keeps the spans and the exporting resources.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly ConcurrentQueue<ExportedSpan> _spans = new();
    private readonly ConcurrentQueue<ExportedResource> _resources = new();
    private readonly ConcurrentQueue<string> _errors = new();

    public Uri Endpoint { get; }

    public IReadOnlyCollection<ExportedSpan> Spans => _spans.ToArray();

    public IReadOnlyCollection<ExportedResource> Resources => _resources.ToArray();

    /// <summary>Export requests that could not be read (for assertion messages).</summary>
    public IReadOnlyCollection<string> Errors => _errors.ToArray();

    private OtlpCollector(HttpListener listener, Uri endpoint)
    {
        _listener = listener;
        Endpoint = endpoint;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public static OtlpCollector Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var endpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(endpoint.ToString());
            try
            {
                listener.Start();
                return new OtlpCollector(listener, endpoint);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>Waits until the spans satisfy <paramref name="condition"/>; returns whether they did in time.</summary>
    public async Task<bool> WaitForSpansAsync(Func<IReadOnlyCollection<ExportedSpan>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition(Spans)) return true;
            await Task.Delay(200);
        }
        return condition(Spans);
    }

    public async Task<bool> WaitForResourcesAsync(Func<IReadOnlyCollection<ExportedResource>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition(Resources)) return true;
            await Task.Delay(200);
        }
        return condition(Resources);
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
                return;
            }
            try
            {
                Answer(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                // The exporter gave up on this request.
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var path = context.Request.Url?.AbsolutePath ?? "";
        var signal = path switch { "/v1/traces" => "traces", "/v1/metrics" => "metrics", "/v1/logs" => "logs", _ => null };
        var body = ReadBody(context.Request);
        if (signal is not null && context.Request.HttpMethod == "POST")
        {
            try
            {
                foreach (var resource in OtlpPayload.Resources(signal, body)) _resources.Enqueue(resource);
                if (signal == "traces") foreach (var span in OtlpPayload.Spans(body)) _spans.Enqueue(span);
            }
            catch (Exception e) when (e is InvalidDataException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                _errors.Enqueue($"{path} ({context.Request.ContentType}, {body.Length} bytes): {e.Message}");
            }
        }
        context.Response.StatusCode = signal is null ? 404 : 200;
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength64 = 0;
        context.Response.Close();
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
