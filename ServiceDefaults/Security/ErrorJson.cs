using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>The OpenAI error shape the shared middlewares answer with: {"error":{"message","type","param","code"}}.</summary>
internal static class ErrorJson
{
    public static Task WriteAsync(HttpContext context, int status, string message, string code)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new
        {
            error = new { message, type = "invalid_request_error", param = (string?)null, code },
        }, JsonSerializerOptions.Web, context.RequestAborted);
    }
}
