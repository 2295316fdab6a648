using InferenceService.Api;

namespace InferenceService.Hosting;

/// <summary>
/// Counts the running API requests for <see cref="ReplicaDrain"/> and, once it drains, refuses new ones before they do
/// anything: 503 with <see cref="ReplicaStateHeader"/> "draining" (the gateway sends them to another replica) and
/// Connection: close (a client holding a keep-alive connection reconnects, to another replica behind a load balancer).
/// </summary>
public sealed class DrainMiddleware(RequestDelegate next, ReplicaDrain drain)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!ApiPaths.Contains(context.Request.Path))
        {
            await next(context);
            return;
        }
        if (!drain.TryAdmit())
        {
            context.Response.Headers.Connection = "close";
            await ApiResults.WriteAsync(context, new ApiException(503, "This replica is shutting down and takes no new requests; send the request again (another replica takes it).",
                code: "draining") { RetryAfterSeconds = 1, ReplicaState = ReplicaStateHeader.Draining });
            return;
        }
        try
        {
            await next(context);
        }
        finally
        {
            drain.Finished();
        }
    }
}
