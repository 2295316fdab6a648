using Engine.Core;

namespace InferenceService.Api;

/// <summary>
/// Runs an endpoint and turns every failure into an OpenAI-shaped answer: 400 for bad input (including what
/// the engine refuses), 404 unknown model, 429 + Retry-After when the queue is full, 503 while loading (marked with
/// <see cref="ReplicaStateHeader"/>: the gateway sends the request elsewhere); an error after a stream started becomes a
/// final SSE error event. A client that left gets nothing.
/// </summary>
public static class ApiResults
{
    /// <param name="failStream">How an error ends a stream already started; by default an error chunk and `data: [DONE]`.</param>
    public static async Task Handle(HttpContext context, ILogger logger, Func<ServerSentEvents, Task> endpoint,
        Func<ServerSentEvents, ApiException, Task>? failStream = null)
    {
        var events = new ServerSentEvents(context.Response);
        try
        {
            await endpoint(events);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client disconnected; GenerationRun already aborted its sequences.
        }
        catch (Exception error)
        {
            var api = error switch
            {
                ApiException e => e,
                QueueFullException e => new ApiException(429, e.Message, code: "queue_full") { RetryAfterSeconds = 1 },
                ArgumentException e => ApiException.BadRequest(MessageOf(e), e.ParamName is { } p ? ToSnakeCase(p) : null),
                _ => null,
            };
            if (api is null)
            {
                logger.LogError(error, "Request failed");
                api = new ApiException(500, "The server failed to process the request: " + error.Message);
            }
            else if (api.Status >= 500)
            {
                logger.LogWarning("{Status}: {Message}", api.Status, api.Message);
            }
            if (events.Started)
            {
                await (failStream ?? FailChunkStream)(events, api);
            }
            else
            {
                await WriteAsync(context, api);
            }
        }
    }

    /// <summary>Answers with the refusal: its status, headers and OpenAI-shaped body.</summary>
    public static Task WriteAsync(HttpContext context, ApiException api)
    {
        context.Response.StatusCode = api.Status;
        if (api.RetryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString();
        if (api.ReplicaState is { } state) context.Response.Headers[ReplicaStateHeader.Name] = state;
        return context.Response.WriteAsJsonAsync(api.Body(), CancellationToken.None);
    }

    private static async Task FailChunkStream(ServerSentEvents events, ApiException error)
    {
        await events.SendAsync(error.Body(), CancellationToken.None);
        await events.DoneAsync(CancellationToken.None);
    }

    /// <summary>The message without the " (Parameter 'X')" that ArgumentException appends: "param" names it.</summary>
    private static string MessageOf(ArgumentException error)
    {
        string suffix = $" (Parameter '{error.ParamName}')";
        return error.Message.EndsWith(suffix, StringComparison.Ordinal) ? error.Message[..^suffix.Length] : error.Message;
    }

    private static string ToSnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
