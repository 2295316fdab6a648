namespace Gateway.Errors;

/// <summary>An OpenAI-shaped error as a minimal-API result (for endpoint filters, which must return a result).</summary>
public sealed class OpenAiErrorResult(int statusCode, string message, string type, string? code) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) => OpenAiError.WriteAsync(httpContext, statusCode, message, type, code);
}
