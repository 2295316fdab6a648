using System.Diagnostics;
using System.Net.Http;
using Gateway.Configuration;
using Gateway.Observability;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Gateway.Routing;

/// <summary>
/// Wraps YARP's load balancing and forwarding: when the chosen replica refused the connection (so it never
/// saw the request), takes it out of rotation and sends the request to another candidate. A generation request
/// (completions, chat, embeddings) whose replica sent nothing back at all (a stale connection, a replica that died
/// before answering) is sent once more to another replica: the client has received nothing, so nothing generated
/// reached anyone. Any other failure is final. Also times each upstream attempt.
/// </summary>
public sealed class ConnectRetryMiddleware(RequestDelegate next, IDestinationHealthUpdater health, GatewayOptions options, GatewayMetrics metrics)
{
    private static readonly string[] RepeatablePaths = ["/v1/completions", "/v1/chat/completions", "/v1/embeddings"];

    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var info = context.Features.Get<GatewayRequestInfo>();
        var remaining = proxy.AvailableDestinations.ToList();
        var route = RouteNames.Of(context.Request.Path);
        var mayRepeat = HttpMethods.IsPost(context.Request.Method) &&
                        RepeatablePaths.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase));
        while (true)
        {
            proxy.AvailableDestinations = remaining;
            var started = Stopwatch.GetTimestamp();
            await next(context);
            var destination = proxy.ProxiedDestination;
            if (info is not null)
            {
                info.Attempts++;
                info.Replica = destination?.DestinationId;
            }
            if (destination is not null)
                metrics.Upstream(route, destination.DestinationId, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));

            var error = context.Features.Get<IForwarderErrorFeature>();
            if (destination is null || error is null || context.Response.HasStarted) return;
            if (NeverReachedReplica(error))
            {
                // The replica is down: keep new requests away from it until the health checks see it back.
                health.SetPassive(context.GetRouteModel().Cluster!, destination, DestinationHealth.Unhealthy, options.PassiveReactivationPeriod);
            }
            else
            {
                // Perhaps only a stale connection: the replica stays in rotation (passive health counts the failure).
                if (!mayRepeat || !NothingCameBack(error)) return;
                mayRepeat = false;   // once: a request that kills replicas must not go round them all
            }
            remaining.Remove(destination);
            if (remaining.Count == 0 || !context.Request.Body.CanSeek) return;

            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            context.Request.Body.Position = 0;
        }
    }

    /// <summary>True when the request failed before any response came back (YARP's Request error: sending failed, or the
    /// connection ended without a response), as opposed to a timeout, a cancellation or a failure mid-response.</summary>
    private static bool NothingCameBack(IForwarderErrorFeature error) => error.Error == ForwarderError.Request;

    /// <summary>True only when no connection to the replica was established, so it cannot have received the request.</summary>
    private static bool NeverReachedReplica(IForwarderErrorFeature error) =>
        error.Error == ForwarderError.Request &&
        error.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
}
