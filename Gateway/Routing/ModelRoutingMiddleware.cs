using Gateway.Access;
using Gateway.Errors;
using Gateway.Observability;
using Yarp.ReverseProxy.Model;

namespace Gateway.Routing;

/// <summary>
/// First step of the proxy pipeline: reads the model of the request body (parsed at admission; multipart is passed on
/// unread) and narrows YARP's available destinations (already healthy ones only) to the replicas serving that model.
/// Answers in OpenAI's shape when it cannot: 400 (model missing where required, a priority that is not an integer),
/// 404 (no replica serves the model), 503 model_loading with Retry-After (a replica is pulling or loading it), 503
/// model_unavailable (replicas serve it, but none is healthy now).
/// Before forwarding, the body gets stream_options.include_usage where a stream did not ask for usage (so its tokens can
/// be counted), and the client's priority is removed, or raised to the key's min_priority (no queue jumping).
/// </summary>
public sealed class ModelRoutingMiddleware(RequestDelegate next, ModelCatalog catalog)
{
    private static readonly string[] PathsRequiringModel = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"];
    // Where OpenAI defines stream_options.include_usage.
    private static readonly string[] PathsWithStreamUsage = ["/v1/chat/completions", "/v1/completions"];
    private static readonly TimeSpan RefreshOnMissAfter = TimeSpan.FromSeconds(1);
    private const int LoadingRetryAfterSeconds = 2;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var body = context.Features.Get<RequestBody>();
        var usageInjected = false;
        if (body is not null)
        {
            if (body.Stream && !body.IncludeUsage && IsOneOf(request.Path, PathsWithStreamUsage))
            {
                body.AddIncludeUsage();
                usageInjected = true;
            }
            if (!RequestPriority.Apply(body, context.Features.Get<AuthenticatedCaller>()?.Key.MinPriority))
            {
                await OpenAiError.BadRequestAsync(context, "'priority' must be an integer.", "priority");
                return;
            }
            body.Forward(request);
        }

        var model = body?.Model;
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
        if (catalog.IsComingUp(model))
            return OpenAiError.UnavailableAsync(context, $"The model `{model}` is loading; try again shortly.", "model_loading", LoadingRetryAfterSeconds);
        if (catalog.IsKnown(model))
            return OpenAiError.UnavailableAsync(context, $"No healthy replica serves the model `{model}` right now.", "model_unavailable");
        return OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound, $"The model `{model}` does not exist.",
            OpenAiError.InvalidRequest, "model_not_found", "model");
    }
}
