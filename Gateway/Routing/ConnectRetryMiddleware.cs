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
/// saw the request), takes it out of rotation and sends the request to another candidate. Any other failure
/// is final: a request that may have reached an engine is never replayed. Also times each upstream attempt.
/// </summary>
public sealed class ConnectRetryMiddleware(RequestDelegate next, IDestinationHealthUpdater health, GatewayOptions options, GatewayMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var info = context.Features.Get<GatewayRequestInfo>();
        var remaining = proxy.AvailableDestinations.ToList();
        var route = RouteNames.Of(context.Request.Path);
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
            if (destination is null || error is null || !NeverReachedReplica(error) || context.Response.HasStarted) return;

            // The replica is down: keep new requests away from it until the health checks see it back.
            health.SetPassive(context.GetRouteModel().Cluster!, destination, DestinationHealth.Unhealthy, options.PassiveReactivationPeriod);
            remaining.Remove(destination);
            if (remaining.Count == 0 || !context.Request.Body.CanSeek) return;

            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            context.Request.Body.Position = 0;
        }
    }

    /// <summary>True only when no connection to the replica was established, so it cannot have received the request.</summary>
    private static bool NeverReachedReplica(IForwarderErrorFeature error) =>
        error.Error == ForwarderError.Request &&
        error.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
}
