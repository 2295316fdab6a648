using System.Collections.Concurrent;
using System.Net;

namespace Tests.Shared;

/// <summary>
/// A tiny OTLP/HTTP receiver on 127.0.0.1: accepts POST /v1/traces, /v1/metrics and /v1/logs, answers
/// 200 with an empty (valid) protobuf response and records the paths it was sent, in order.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly ConcurrentQueue<string> _received = new();

    public Uri Endpoint { get; }

    /// <summary>Paths of the export requests received so far, e.g. "/v1/metrics".</summary>
    public IReadOnlyCollection<string> Received => _received.ToArray();

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
    public async Task<bool> WaitForAsync(TimeSpan timeout, params string[] paths)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_received.Any(paths.Contains)) return true;
            await Task.Delay(100);
        }
        return _received.Any(paths.Contains);
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
        using (var body = context.Request.InputStream) body.CopyTo(Stream.Null);
        var path = context.Request.Url?.AbsolutePath ?? "";
        var known = context.Request.HttpMethod == "POST" && path is "/v1/traces" or "/v1/metrics" or "/v1/logs";
        if (known) _received.Enqueue(path);
        context.Response.StatusCode = known ? 200 : 404;
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength64 = 0;
        context.Response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
