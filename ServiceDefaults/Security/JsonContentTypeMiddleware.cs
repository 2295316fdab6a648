using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// APIs that read JSON refuse request bodies labelled otherwise (415 in OpenAI's error shape, code
/// unsupported_media_type): a web page can send text/plain or a form to any address without asking first, but a JSON
/// body needs a CORS preflight, which these services never grant.
/// </summary>
public static class JsonContentTypeMiddleware
{
    /// <summary>POST, PUT and PATCH requests need <c>Content-Type: application/json</c> (or a <c>+json</c> type).</summary>
    public static IApplicationBuilder UseJsonRequestBodies(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var method = context.Request.Method;
        if ((HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method)) && !IsJson(context.Request.ContentType))
        {
            await ErrorJson.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                $"The request body must be JSON: send Content-Type: application/json (got {context.Request.ContentType ?? "none"}).",
                "unsupported_media_type");
            return;
        }
        await next(context);
    });

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Value is { } type &&
        (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
