using System.Net;

namespace Gateway.Observability;

/// <summary>The access-log line, source-generated (no boxing or template parsing per request).</summary>
public static partial class AccessLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "{Method} {Path} {Status} {ElapsedMs:0.0}ms key={KeyName} model={Model} replica={Replica} attempts={Attempts} client={Client}")]
    public static partial void Request(ILogger logger, string method, string? path, int status, double elapsedMs,
        string keyName, string model, string replica, int attempts, IPAddress? client);
}
