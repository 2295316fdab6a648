using Yarp.ReverseProxy.Transforms;

namespace Gateway.Routing;

/// <summary>
/// A 503 with <see cref="ReplicaStateHeader"/> from a replica that does not serve right now (loading its model, failed to
/// load it, draining before it exits): it did nothing with the request, so another replica may take it.
/// </summary>
public static class ReplicaRefusal
{
    /// <summary>Whether the (not yet sent) response is such a refusal.</summary>
    public static bool Is(HttpResponse response) =>
        response.StatusCode == StatusCodes.Status503ServiceUnavailable && response.Headers.ContainsKey(ReplicaStateHeader.Name);

    /// <summary>YARP response transform: a refusal's body is not passed on, so the response stays unsent and
    /// <see cref="ConnectRetryMiddleware"/> can send the request to another replica.</summary>
    public static ValueTask HoldBackAsync(ResponseTransformContext context)
    {
        if (Is(context.HttpContext.Response)) context.SuppressResponseBody = true;
        return ValueTask.CompletedTask;
    }
}
