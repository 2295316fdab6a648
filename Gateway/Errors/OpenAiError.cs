using System.Text.Json.Serialization;

namespace Gateway.Errors;

/// <summary>Writes errors in OpenAI's shape: {"error":{"message","type","param","code"}}.</summary>
public static class OpenAiError
{
    public const string InvalidRequest = "invalid_request_error";

    public static Task WriteAsync(HttpContext context, int statusCode, string message, string type, string? code, string? param = null)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        return response.WriteAsJsonAsync(new Envelope(new Body(message, type, param, code)));
    }

    public static Task InvalidApiKeyAsync(HttpContext context, string message) =>
        WriteAsync(context, StatusCodes.Status401Unauthorized, message, InvalidRequest, "invalid_api_key");

    public static Task BadRequestAsync(HttpContext context, string message, string? param = null, string? code = null) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, message, InvalidRequest, code, param);

    public static Task NotFoundAsync(HttpContext context, string message, string code) =>
        WriteAsync(context, StatusCodes.Status404NotFound, message, InvalidRequest, code);

    public static Task UnavailableAsync(HttpContext context, string message, string code, int retryAfterSeconds = 1)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, message, "service_unavailable", code);
    }

    private sealed record Envelope([property: JsonPropertyName("error")] Body Error);

    private sealed record Body(
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("param")] string? Param,
        [property: JsonPropertyName("code")] string? Code);
}
