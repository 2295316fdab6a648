using System.Text.Json;

namespace InferenceService.Api;

/// <summary>OpenAI-style SSE: `data: {json}\n\n` per chunk, flushed at once, ending with `data: [DONE]` (chat and completions).</summary>
public sealed class ServerSentEvents(HttpResponse response)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public bool Started { get; private set; }

    public Task SendAsync(object chunk, CancellationToken cancellationToken) => WriteAsync("", chunk, cancellationToken);

    /// <summary>A named event (`event: NAME` before its data), as the Responses API streams them.</summary>
    public Task SendAsync(string eventName, object data, CancellationToken cancellationToken) =>
        WriteAsync("event: " + eventName + "\n", data, cancellationToken);

    private async Task WriteAsync(string prefix, object chunk, CancellationToken cancellationToken)
    {
        if (!Started)
        {
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            Started = true;
        }
        await response.WriteAsync(prefix + "data: " + JsonSerializer.Serialize(chunk, Json) + "\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    public async Task DoneAsync(CancellationToken cancellationToken)
    {
        await response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
