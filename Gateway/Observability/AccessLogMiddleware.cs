using System.Diagnostics;
using Gateway.Configuration;

namespace Gateway.Observability;

/// <summary>
/// Outermost middleware: one access-log line and one request count per request, with the key's name
/// (never the key). Probes (/health, /alive, /metrics) are left out. Values a client chose are escaped (<see cref="LogText"/>).
/// </summary>
public sealed class AccessLogMiddleware(RequestDelegate next, GatewayMetrics metrics, GatewayOptions options, ILoggerFactory loggers)
{
    private readonly ILogger _log = loggers.CreateLogger("Gateway.AccessLog");

    public async Task InvokeAsync(HttpContext context)
    {
        if (RouteNames.IsProbe(context.Request.Path))
        {
            await next(context);
            return;
        }
        var info = new GatewayRequestInfo();
        context.Features.Set(info);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var status = context.Response.StatusCode;
            metrics.Request(RouteNames.Of(context.Request.Path), status, info.KeyName);
            if (options.AccessLog && _log.IsEnabled(LogLevel.Information))
                AccessLog.Request(_log, LogText.Escape(context.Request.Method), LogText.Escape(context.Request.Path.Value), status,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, LogText.Escape(info.KeyName ?? "-"), LogText.Escape(info.Model ?? "-"),
                    info.Replica ?? "-", info.Attempts, context.Connection.RemoteIpAddress);
        }
    }
}
