using System.Text.Json;

namespace Gateway.TestBackend;

/// <summary>
/// POST /v1/chat/completions and /v1/completions: "t0 t1 ..." (max_tokens pieces, default 4), streamed as SSE
/// chunks or as one JSON body. Usage: prompt words and max_tokens. Test headers: x-request-id (recorded),
/// x-test-hold-after: N (after N chunks wait for POST /test/release/{id}), x-test-chunk-delay-ms: "N" or "LOW-HIGH"
/// (between chunks; before the body of a non-streamed answer), x-test-stop-after: N (a stop after N pieces, as at an EOS:
/// usage counts N), x-test-error-after: N (a stream ends after N chunks with an error event and no usage, as the engine's
/// mid-stream failure), x-test-pad-bytes: N (a non-streamed text N bytes longer). After POST /test/close-without-answer/N
/// the next N requests are read and then dropped without a byte of answer.
/// </summary>
public static class CompletionEndpoint
{
    public static async Task HandleAsync(HttpContext context, BackendState state)
    {
        var chat = context.Request.Path.StartsWithSegments("/v1/chat");
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var request = CompletionRequest.Parse(body.RootElement);
        var id = context.Request.Headers["x-request-id"].FirstOrDefault() ?? Guid.NewGuid().ToString("N");
        state.Record(new ReceivedRequest(id, context.Request.Path.Value!, request.Model, request.Stream, request.IncludeUsage,
            context.Request.Headers.Authorization.FirstOrDefault(), context.Request.Headers["traceparent"].FirstOrDefault(), request.Priority));
        if (state.TakeCloseWithoutAnswer())
        {
            context.Abort();
            return;
        }

        if (request.Model is null || !state.Models.Contains(request.Model))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsJsonAsync(new
            {
                error = new { message = $"The model `{request.Model}` does not exist.", type = "NotFoundError", param = (string?)null, code = 404 },
            });
            return;
        }

        var delayMs = DelayMs(context.Request.Headers["x-test-chunk-delay-ms"].ToString());
        var stopAfter = int.TryParse(context.Request.Headers["x-test-stop-after"], out var s) && s < request.MaxTokens ? s : (int?)null;
        var pieces = stopAfter ?? request.MaxTokens;
        var finishReason = stopAfter is null ? "length" : "stop";
        var usage = new { prompt_tokens = request.PromptWords, completion_tokens = pieces, total_tokens = request.PromptWords + pieces };
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (!request.Stream)
        {
            // A fixed service time stands in for a short generation (for the benchmark's backend-bound run).
            if (delayMs > 0) await Task.Delay(delayMs, context.RequestAborted);
            var padding = int.TryParse(context.Request.Headers["x-test-pad-bytes"], out var pad) ? new string('x', pad) : "";
            var text = string.Concat(Enumerable.Range(0, pieces).Select(i => $"t{i} ")) + padding;
            object choice = chat
                ? new { index = 0, message = new { role = "assistant", content = text }, finish_reason = finishReason }
                : new { index = 0, text, finish_reason = finishReason };
            await context.Response.WriteAsJsonAsync(new
            {
                id = "cmpl-" + id, @object = chat ? "chat.completion" : "text_completion", created, model = request.Model,
                choices = new[] { choice }, usage,
            });
            return;
        }

        var holdAfter = int.TryParse(context.Request.Headers["x-test-hold-after"], out var h) ? h : -1;
        var errorAfter = int.TryParse(context.Request.Headers["x-test-error-after"], out var e) ? e : -1;
        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync();
        await context.Response.Body.FlushAsync();
        var aborted = context.RequestAborted;
        for (var i = 0; i < pieces; i++)
        {
            if (i == holdAfter) await state.WaitForReleaseAsync(id, aborted);
            if (i == errorAfter)
            {
                await WriteEventAsync(context, JsonSerializer.Serialize(new
                {
                    error = new { message = "The engine failed while computing this request.", type = "internal_error", param = (string?)null, code = (string?)null },
                }), aborted);
                await WriteEventAsync(context, "[DONE]", aborted);
                return;
            }
            if (i > 0 && delayMs > 0) await Task.Delay(delayMs, aborted);   // the pace between chunks the test asked for (x-test-chunk-delay-ms)
            var finish = i == pieces - 1 ? finishReason : null;
            object choice = chat
                ? new { index = 0, delta = new { content = $"t{i} " }, finish_reason = finish }
                : new { index = 0, text = $"t{i} ", finish_reason = finish };
            var chunk = new Dictionary<string, object?>
            {
                ["id"] = "cmpl-" + id, ["object"] = chat ? "chat.completion.chunk" : "text_completion", ["created"] = created,
                ["model"] = request.Model, ["choices"] = new[] { choice },
            };
            // OpenAI: with include_usage every chunk carries "usage": null, then one usage chunk with no choices follows.
            if (request.IncludeUsage) chunk["usage"] = null;
            await WriteEventAsync(context, JsonSerializer.Serialize(chunk), aborted);
        }
        if (request.IncludeUsage)
            await WriteEventAsync(context, JsonSerializer.Serialize(new
            {
                id = "cmpl-" + id, @object = chat ? "chat.completion.chunk" : "text_completion", created, model = request.Model,
                choices = Array.Empty<object>(), usage,
            }), aborted);
        await WriteEventAsync(context, "[DONE]", aborted);
    }

    /// <summary>"20" (fixed) or "10-30" (uniformly random per request, as independent requests finish at different times).</summary>
    private static int DelayMs(string header)
    {
        var parts = header.Split('-', 2);
        if (parts.Length == 2 && int.TryParse(parts[0], out var low) && int.TryParse(parts[1], out var high) && high >= low)
            return Random.Shared.Next(low, high + 1);
        return int.TryParse(header, out var fixedMs) ? fixedMs : 0;
    }

    private static async Task WriteEventAsync(HttpContext context, string data, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync($"data: {data}\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
