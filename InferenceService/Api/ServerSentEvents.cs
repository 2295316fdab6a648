using System.Text.Json;

namespace InferenceService.Api;

/// <summary>OpenAI-style SSE: `data: {json}\n\n` per chunk, flushed at once, ending with `data: [DONE]`.</summary>
public sealed class ServerSentEvents(HttpResponse response)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public bool Started { get; private set; }

    public async Task SendAsync(object chunk, CancellationToken cancellationToken)
    {
        if (!Started)
        {
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            Started = true;
        }
        await response.WriteAsync("data: " + JsonSerializer.Serialize(chunk, Json) + "\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    public async Task DoneAsync(CancellationToken cancellationToken)
    {
        await response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
