using Microsoft.AspNetCore.Diagnostics;

namespace ModelCacheService.Api;

/// <summary>
/// Every error leaves in the OpenAI shape: unknown routes and wrong methods (empty 404/405 from routing),
/// malformed requests rejected by the framework (400), and, as a last resort, unexpected exceptions (500).
/// </summary>
public static class ErrorResponses
{
    public static WebApplication UseOpenAiErrorBodies(this WebApplication app)
    {
        app.UseExceptionHandler(handler => handler.Run(async context =>
        {
            var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var (status, error) = exception is BadHttpRequestException bad
                ? (bad.StatusCode, new ErrorDetail(bad.Message, "invalid_request_error", null, "bad_request"))
                : (StatusCodes.Status500InternalServerError, new ErrorDetail($"Internal error: {exception?.Message}", "server_error", null, "internal_error"));
            await ApiErrors.Result(status, error).ExecuteAsync(context);
        }));
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            var error = status switch
            {
                StatusCodes.Status404NotFound => new ErrorDetail($"No such endpoint: {http.Request.Method} {http.Request.Path}.", "invalid_request_error", null, "unknown_url"),
                StatusCodes.Status405MethodNotAllowed => new ErrorDetail($"{http.Request.Method} is not allowed on {http.Request.Path}.", "invalid_request_error", null, "method_not_allowed"),
                _ => new ErrorDetail($"Request failed with status {status}.", status >= 500 ? "server_error" : "invalid_request_error", null, null),
            };
            await ApiErrors.Result(status, error).ExecuteAsync(http);
        });
        return app;
    }
}
