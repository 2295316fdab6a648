using Gateway.Configuration;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace Gateway.Routing;

/// <summary>YARP's routes (/v1/*, /tokenize, /detokenize) and the one cluster of inference replicas.</summary>
public static class ProxyConfiguration
{
    public const string ClusterId = InferenceReplicas.ServiceName;

    public static IReadOnlyList<RouteConfig> Routes(GatewayOptions options)
    {
        // The client's gateway key must not reach the replicas; they get the upstream key, if one is set.
        IReadOnlyDictionary<string, string> authorization = string.IsNullOrEmpty(options.UpstreamApiKey)
            ? new Dictionary<string, string> { ["RequestHeaderRemove"] = "Authorization" }
            : new Dictionary<string, string> { ["RequestHeader"] = "Authorization", ["Set"] = "Bearer " + options.UpstreamApiKey };
        return
        [
            Route("openai", "/v1/{**rest}", authorization),
            Route("tokenize", "/tokenize", authorization),
            Route("detokenize", "/detokenize", authorization),
        ];
    }

    public static ClusterConfig Cluster(IReadOnlyList<Replica> replicas, GatewayOptions options) => new()
    {
        ClusterId = ClusterId,
        LoadBalancingPolicy = options.Routing == RoutingPolicy.PrefixAffinity ? PrefixAffinityPolicy.PolicyName : LoadBalancingPolicies.LeastRequests,
        Destinations = replicas.ToDictionary(r => r.Id, r => new DestinationConfig { Address = r.Address.ToString() }),
        HealthCheck = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = options.HealthCheckInterval,
                Timeout = TimeSpan.FromSeconds(Math.Max(1, Math.Min(10, options.HealthCheckInterval.TotalSeconds))),
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = "/health",
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                ReactivationPeriod = options.PassiveReactivationPeriod,
            },
            AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyAndUnknown,
        },
        HttpRequest = new ForwarderRequestConfig { ActivityTimeout = options.UpstreamActivityTimeout },
    };

    private static RouteConfig Route(string id, string path, IReadOnlyDictionary<string, string> transform) => new()
    {
        RouteId = id,
        ClusterId = ClusterId,
        Match = new RouteMatch { Path = path },
        Transforms = [transform],
    };
}
