using Gateway.Access;
using Gateway.Configuration;
using Gateway.Errors;
using Gateway.Observability;
using Yarp.ReverseProxy.Model;

namespace Gateway.Routing;

/// <summary>
/// First step of the proxy pipeline: buffers the request body (JSON; multipart is passed on unread), reads its
/// model, and narrows YARP's available destinations (already healthy ones only) to the replicas serving that
/// model. Answers in OpenAI's shape when it cannot: 400 (body not a JSON object, model missing where required),
/// 404 (no replica serves the model), 503 (replicas serve it, but none is healthy now).
/// The buffered body is seekable, so a retry on another replica can send it again. Streams that did not ask
/// for usage get stream_options.include_usage added, so their tokens can be counted.
/// </summary>
public sealed class ModelRoutingMiddleware(RequestDelegate next, ModelCatalog catalog, GatewayOptions options)
{
    private static readonly string[] PathsRequiringModel = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings"];
    // Where OpenAI defines stream_options.include_usage.
    private static readonly string[] PathsWithStreamUsage = ["/v1/chat/completions", "/v1/completions"];
    private static readonly TimeSpan RefreshOnMissAfter = TimeSpan.FromSeconds(1);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        RequestInspection? inspection = null;
        var usageInjected = false;
        if (HasJsonBody(request))
        {
            var body = await ReadBodyAsync(request, options.MaxRequestBodyBytes, context.RequestAborted);
            inspection = RequestInspection.Parse(body);
            if (inspection is null)
            {
                await OpenAiError.BadRequestAsync(context, "The request body must be a JSON object.");
                return;
            }
            if (inspection.Stream && !inspection.IncludeUsage && IsOneOf(request.Path, PathsWithStreamUsage) &&
                context.Features.Get<AuthenticatedCaller>() is not null)
            {
                body = RequestInspection.WithIncludeUsage(body);
                usageInjected = true;
            }
            ReplaceBody(request, body);
        }

        var model = inspection?.Model;
        if (model is null && IsOneOf(request.Path, PathsRequiringModel))
        {
            await OpenAiError.BadRequestAsync(context, "You must provide a model parameter.", "model");
            return;
        }
        context.Features.Get<GatewayRequestInfo>()?.Model = model;
        context.Features.Set(new RoutedRequest(usageInjected));

        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        if (model is not null)
        {
            candidates = Serving(candidates, model);
            if (candidates.Count == 0 && !catalog.IsKnown(model))
            {
                await catalog.RefreshIfOlderThanAsync(RefreshOnMissAfter, context.RequestAborted);
                candidates = Serving(proxy.AvailableDestinations, model);
            }
        }
        if (candidates.Count == 0)
        {
            await NoReplicaAsync(context, model);
            return;
        }
        proxy.AvailableDestinations = candidates;
        await next(context);
    }

    private static bool IsOneOf(PathString path, string[] paths) => paths.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase));

    private IReadOnlyList<DestinationState> Serving(IReadOnlyList<DestinationState> destinations, string model) =>
        destinations.Where(d => catalog.Serves(d.DestinationId, model)).ToList();

    private Task NoReplicaAsync(HttpContext context, string? model)
    {
        if (model is null)
            return OpenAiError.UnavailableAsync(context, "No healthy inference replica is available right now.", "no_healthy_replica");
        if (catalog.IsKnown(model))
            return OpenAiError.UnavailableAsync(context, $"No healthy replica serves the model `{model}` right now.", "model_unavailable");
        return OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound, $"The model `{model}` does not exist.",
            OpenAiError.InvalidRequest, "model_not_found", "model");
    }

    private static bool HasJsonBody(HttpRequest request)
    {
        if (!(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))) return false;
        if (request.ContentLength == 0) return false;
        // The OpenAI API is JSON; only multipart uploads are passed on unread (curl -d even labels JSON as a form).
        return request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) != true;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        // Kestrel enforces the same limit on bodies without a Content-Length while they are read.
        using var buffer = new MemoryStream((int)(request.ContentLength ?? 4096));
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    private static void ReplaceBody(HttpRequest request, byte[] body)
    {
        request.Body = new MemoryStream(body, writable: false);
        request.Headers.Remove("Transfer-Encoding");
        request.ContentLength = body.Length;
    }
}
