using System.Text.Json;

namespace Gateway.TestBackend;

/// <summary>
/// POST /v1/chat/completions and /v1/completions: "t0 t1 ..." (max_tokens pieces, default 4), streamed as SSE
/// chunks or as one JSON body. Usage: prompt words and max_tokens. Test headers: x-request-id (recorded),
/// x-test-hold-after: N (after N chunks wait for POST /test/release/{id}), x-test-chunk-delay-ms: "N" or "LOW-HIGH"
/// (between chunks; before the body of a non-streamed answer).
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
            context.Request.Headers.Authorization.FirstOrDefault(), context.Request.Headers["traceparent"].FirstOrDefault()));

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
        var usage = new { prompt_tokens = request.PromptWords, completion_tokens = request.MaxTokens, total_tokens = request.PromptWords + request.MaxTokens };
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (!request.Stream)
        {
            // A fixed service time stands in for a short generation (for the benchmark's backend-bound run).
            if (delayMs > 0) await Task.Delay(delayMs, context.RequestAborted);
            var text = string.Concat(Enumerable.Range(0, request.MaxTokens).Select(i => $"t{i} "));
            object choice = chat
                ? new { index = 0, message = new { role = "assistant", content = text }, finish_reason = "length" }
                : new { index = 0, text, finish_reason = "length" };
            await context.Response.WriteAsJsonAsync(new
            {
                id = "cmpl-" + id, @object = chat ? "chat.completion" : "text_completion", created, model = request.Model,
                choices = new[] { choice }, usage,
            });
            return;
        }

        var holdAfter = int.TryParse(context.Request.Headers["x-test-hold-after"], out var h) ? h : -1;
        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync();
        await context.Response.Body.FlushAsync();
        var aborted = context.RequestAborted;
        for (var i = 0; i < request.MaxTokens; i++)
        {
            if (i == holdAfter) await state.WaitForReleaseAsync(id, aborted);
            if (i > 0 && delayMs > 0) await Task.Delay(delayMs, aborted);
            var finish = i == request.MaxTokens - 1 ? "length" : null;
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
