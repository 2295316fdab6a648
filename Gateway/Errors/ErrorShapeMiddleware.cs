namespace Gateway.Errors;

/// <summary>
/// Turns exceptions that escape the pipeline into OpenAI-shaped errors: Kestrel's bad-request errors (body too
/// large, malformed framing) keep their 4xx status; anything else is a logged 500.
/// </summary>
public sealed class ErrorShapeMiddleware(RequestDelegate next, ILogger<ErrorShapeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException error) when (!context.Response.HasStarted)
        {
            var message = error.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large." : error.Message;
            await OpenAiError.WriteAsync(context, error.StatusCode, message, OpenAiError.InvalidRequest,
                error.StatusCode == StatusCodes.Status413PayloadTooLarge ? "request_too_large" : null);
        }
        catch (Exception error) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(error, "Unhandled error for {Method} {Path}", context.Request.Method, context.Request.Path.Value);
            await OpenAiError.WriteAsync(context, StatusCodes.Status500InternalServerError, "The gateway failed to handle the request.",
                "api_error", null);
        }
    }
}
